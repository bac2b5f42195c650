// A loopback HTTP server standing in for Twilio's REST API (2010-04-01) at the HTTP boundary, for the
// CLI's tests: Messages, Calls and IncomingPhoneNumbers answered with Twilio-shaped JSON
// (docs/twilio-contract.md §8), Basic auth checked, every request recorded, and a way to fail the next one.
import { createServer, type IncomingMessage, type ServerResponse } from "node:http";
import type { AddressInfo } from "node:net";
import type { TestContext } from "node:test";

export const ACCOUNT_SID = "AC0123456789abcdef0123456789abcdef";
/** Not a substring of the SID: the CLI masks the token wherever it appears. */
export const AUTH_TOKEN = "fedcba9876543210fedcba9876543210";
const API = `/2010-04-01/Accounts/${ACCOUNT_SID}`;

export interface RecordedRequest {
  method: string;
  /** Path without the query. */
  path: string;
  query: URLSearchParams;
  authorization: string | undefined;
  form: URLSearchParams;
}

export interface NumberRecord {
  sid: string;
  phoneNumber: string;
  friendlyName: string;
  voiceUrl: string | null;
  voiceMethod: string;
  statusCallback: string | null;
  statusCallbackMethod: string;
  smsUrl: string | null;
  smsMethod: string;
  voiceApplicationSid: string | null;
}

export interface MessageRecord {
  sid: string;
  from: string;
  to: string;
  body: string;
  status: string;
  direction: string;
  numSegments: number;
  errorCode: number | null;
  errorMessage: string | null;
  dateCreated: Date;
  dateSent: Date | null;
}

const sidOf = (prefix: string, n: number) => `${prefix}${n.toString(16).padStart(32, "0")}`;
const rfc2822 = (date: Date | null) => (date ? date.toUTCString().replace("GMT", "+0000") : null);

function messageJson(m: MessageRecord) {
  return {
    account_sid: ACCOUNT_SID,
    api_version: "2010-04-01",
    body: m.body,
    date_created: rfc2822(m.dateCreated),
    date_sent: rfc2822(m.dateSent),
    date_updated: rfc2822(m.dateCreated),
    direction: m.direction,
    error_code: m.errorCode,
    error_message: m.errorMessage,
    from: m.from,
    messaging_service_sid: null,
    num_media: "0",
    num_segments: String(m.numSegments),
    price: null,
    price_unit: "USD",
    sid: m.sid,
    status: m.status,
    subresource_uris: { media: `${API}/Messages/${m.sid}/Media.json` },
    to: m.to,
    uri: `${API}/Messages/${m.sid}.json`,
  };
}

function numberJson(n: NumberRecord) {
  return {
    account_sid: ACCOUNT_SID,
    api_version: "2010-04-01",
    capabilities: { voice: true, sms: true, mms: false, fax: false },
    friendly_name: n.friendlyName,
    phone_number: n.phoneNumber,
    sid: n.sid,
    sms_application_sid: null,
    sms_method: n.smsMethod,
    sms_url: n.smsUrl,
    status: "in-use",
    status_callback: n.statusCallback,
    status_callback_method: n.statusCallbackMethod,
    uri: `${API}/IncomingPhoneNumbers/${n.sid}.json`,
    voice_application_sid: n.voiceApplicationSid,
    voice_method: n.voiceMethod,
    voice_url: n.voiceUrl,
  };
}

/** Twilio's page envelope (docs/twilio-contract.md §8.7) over `items`, honouring PageSize and Page. */
function page(query: URLSearchParams, path: string, key: string, items: unknown[]) {
  const pageSize = Number(query.get("PageSize") ?? 50);
  const pageNumber = Number(query.get("Page") ?? 0);
  const start = pageNumber * pageSize;
  const uri = (p: number) => {
    const params = new URLSearchParams(query);
    params.set("PageSize", String(pageSize));
    params.set("Page", String(p));
    return `${path}?${params.toString()}`;
  };
  const slice = items.slice(start, start + pageSize);
  return {
    first_page_uri: uri(0),
    end: start + Math.max(slice.length - 1, 0),
    next_page_uri: start + pageSize < items.length ? uri(pageNumber + 1) : null,
    page: pageNumber,
    page_size: pageSize,
    previous_page_uri: pageNumber > 0 ? uri(pageNumber - 1) : null,
    start,
    uri: uri(pageNumber),
    [key]: slice,
  };
}

const readBody = (req: IncomingMessage) =>
  new Promise<string>((resolve) => {
    let body = "";
    req.on("data", (chunk: Buffer) => (body += chunk.toString()));
    req.on("end", () => resolve(body));
  });

export async function fakeTwilioRest(t: TestContext) {
  const requests: RecordedRequest[] = [];
  const numbers = new Map<string, NumberRecord>();
  const messages = new Map<string, MessageRecord>();
  let counter = 0;
  let failure: { status: number; code: number; message: string } | undefined;
  const expectedAuth = `Basic ${Buffer.from(`${ACCOUNT_SID}:${AUTH_TOKEN}`).toString("base64")}`;

  const send = (res: ServerResponse, status: number, body: unknown) => {
    res.statusCode = status;
    res.setHeader("content-type", "application/json; charset=utf-8");
    res.end(JSON.stringify(body));
  };
  const error = (res: ServerResponse, status: number, code: number, message: string) =>
    send(res, status, { code, message, more_info: `https://www.twilio.com/docs/errors/${code}`, status });

  const server = createServer(async (req, res) => {
    const url = new URL(req.url ?? "/", "http://fake");
    const request: RecordedRequest = {
      method: req.method ?? "",
      path: url.pathname,
      query: url.searchParams,
      authorization: req.headers.authorization,
      form: new URLSearchParams(await readBody(req)),
    };
    requests.push(request);
    if (request.authorization !== expectedAuth) return error(res, 401, 20003, "Authenticate");
    if (failure) {
      const { status, code, message } = failure;
      failure = undefined;
      return error(res, status, code, message);
    }
    const match = /^\/2010-04-01\/Accounts\/(AC\w+)\/(Messages|Calls|IncomingPhoneNumbers)(?:\/(\w+))?\.json$/.exec(url.pathname);
    if (!match || match[1] !== ACCOUNT_SID) return error(res, 404, 20404, `The requested resource ${url.pathname} was not found`);
    const [, , resource, sid] = match;
    const form = request.form;
    const route = `${request.method} ${resource}${sid ? "/:sid" : ""}`;

    if (route === "POST Messages") {
      const message: MessageRecord = {
        sid: sidOf("SM", ++counter),
        from: form.get("From") ?? "",
        to: form.get("To") ?? "",
        body: form.get("Body") ?? "",
        status: "queued",
        direction: "outbound-api",
        numSegments: 1,
        errorCode: null,
        errorMessage: null,
        dateCreated: new Date(),
        dateSent: null,
      };
      messages.set(message.sid, message);
      return send(res, 201, messageJson(message));
    }
    if (route === "GET Messages") {
      const to = url.searchParams.get("To");
      const from = url.searchParams.get("From");
      const items = [...messages.values()].reverse().filter((m) => (!to || m.to === to) && (!from || m.from === from));
      return send(res, 200, page(url.searchParams, `${API}/Messages.json`, "messages", items.map(messageJson)));
    }
    if (route === "GET Messages/:sid") {
      const message = messages.get(sid ?? "");
      return message ? send(res, 200, messageJson(message)) : error(res, 404, 20404, `The requested resource ${url.pathname} was not found`);
    }
    if (route === "POST Calls") {
      const callSid = sidOf("CA", ++counter);
      const now = rfc2822(new Date());
      return send(res, 201, {
        account_sid: ACCOUNT_SID,
        api_version: "2010-04-01",
        date_created: now,
        date_updated: now,
        direction: "outbound-api",
        duration: null,
        from: form.get("From"),
        parent_call_sid: null,
        sid: callSid,
        start_time: null,
        status: "queued",
        to: form.get("To"),
        uri: `${API}/Calls/${callSid}.json`,
      });
    }
    if (route === "GET IncomingPhoneNumbers") {
      const filter = url.searchParams.get("PhoneNumber");
      const items = [...numbers.values()].filter((n) => !filter || n.phoneNumber.includes(filter));
      return send(res, 200, page(url.searchParams, `${API}/IncomingPhoneNumbers.json`, "incoming_phone_numbers", items.map(numberJson)));
    }
    if (route === "GET IncomingPhoneNumbers/:sid" || route === "POST IncomingPhoneNumbers/:sid") {
      const number = numbers.get(sid ?? "");
      if (!number) return error(res, 404, 20404, `The requested resource ${url.pathname} was not found`);
      if (request.method === "POST") {
        const set = (param: string, field: "voiceUrl" | "statusCallback" | "smsUrl") => {
          const value = form.get(param);
          if (value !== null) number[field] = value === "" ? null : value;
        };
        set("VoiceUrl", "voiceUrl");
        set("StatusCallback", "statusCallback");
        set("SmsUrl", "smsUrl");
        number.voiceMethod = form.get("VoiceMethod") ?? number.voiceMethod;
        number.statusCallbackMethod = form.get("StatusCallbackMethod") ?? number.statusCallbackMethod;
        number.smsMethod = form.get("SmsMethod") ?? number.smsMethod;
      }
      return send(res, 200, numberJson(number));
    }
    return error(res, 405, 20004, "Method not allowed");
  });
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  t.after(() => new Promise<void>((resolve) => server.close(() => resolve())));
  const { port } = server.address() as AddressInfo;

  return {
    url: `http://127.0.0.1:${port}`,
    requests,
    numbers,
    messages,
    addNumber(phoneNumber: string, settings: Partial<NumberRecord> = {}): NumberRecord {
      const number: NumberRecord = {
        sid: sidOf("PN", ++counter),
        phoneNumber,
        friendlyName: phoneNumber,
        voiceUrl: null,
        voiceMethod: "POST",
        statusCallback: null,
        statusCallbackMethod: "POST",
        smsUrl: null,
        smsMethod: "POST",
        voiceApplicationSid: null,
        ...settings,
      };
      numbers.set(number.sid, number);
      return number;
    },
    addMessage(fields: Partial<MessageRecord> = {}): MessageRecord {
      const message: MessageRecord = {
        sid: sidOf("SM", ++counter),
        from: "+61255501234",
        to: "+61491570156",
        body: "Hello",
        status: "delivered",
        direction: "outbound-api",
        numSegments: 1,
        errorCode: null,
        errorMessage: null,
        dateCreated: new Date("2026-11-24T01:00:00Z"),
        dateSent: new Date("2026-11-24T01:00:01Z"),
        ...fields,
      };
      messages.set(message.sid, message);
      return message;
    },
    /** The next authenticated request gets this Twilio error. */
    failNext(status: number, code: number, message: string) {
      failure = { status, code, message };
    },
  };
}

export type FakeTwilioRest = Awaited<ReturnType<typeof fakeTwilioRest>>;
