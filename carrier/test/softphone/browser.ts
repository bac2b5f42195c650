// What the softphone's browser tests share: Chromium through playwright-core (CHROMIUM_PATH, or the
// usual places), a loopback listener for the TwiML app behind the carrier, full-page screenshots, and
// a watch on what must not happen in a page.
import { mkdir } from "node:fs/promises";
import { createServer, type Server } from "node:http";
import type { AddressInfo } from "node:net";
import { fileURLToPath } from "node:url";
import type { Page, Response } from "playwright-core";

export const ARTIFACTS = fileURLToPath(new URL("../../../test-artifacts/", import.meta.url));
/** How long a condition may take to come true before the test fails. */
export const WAIT = { timeout: 10_000 };
export const DESKTOP = { width: 1280, height: 800 };
export const PHONE = { width: 390, height: 844 };

export { launchChromium } from "@callcentre/testkit";

export async function listen(server: Server): Promise<string> {
  await new Promise<void>((resolve, reject) => {
    server.once("error", reject);
    server.listen(0, "127.0.0.1", () => resolve());
  });
  return `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
}

export async function screenshot(page: Page, name: string): Promise<void> {
  await mkdir(ARTIFACTS, { recursive: true });
  await page.screenshot({ path: `${ARTIFACTS}${name}.png`, fullPage: true });
}

/**
 * The TwiML app behind the carrier: each path's handler gets the POSTed form and answers the inside
 * of a <Response>; another path is 404, another method 405 (the carrier POSTs).
 */
export function twimlApp(routes: Record<string, (form: URLSearchParams) => string>): Server {
  return createServer((request, response) => {
    let raw = "";
    request.setEncoding("utf8");
    request.on("data", (chunk: string) => (raw += chunk));
    request.on("end", () => {
      if (request.method !== "POST") {
        response.writeHead(405).end();
        return;
      }
      const route = routes[new URL(request.url ?? "/", "http://stub").pathname];
      if (!route) {
        response.writeHead(404).end();
        return;
      }
      response.writeHead(200, { "content-type": "text/xml" });
      response.end(`<?xml version="1.0" encoding="UTF-8"?><Response>${route(new URLSearchParams(raw))}</Response>`);
    });
  });
}

/** Escapes text for a TwiML document. */
export const xml = (text: string) => text.replace(/[<>&"']/g, (c) => `&#${c.charCodeAt(0)};`);

/**
 * What must not happen in a page: an uncaught error, a console error, or an answer of 400 or more.
 * Chromium's console says only "Failed to load resource: … 400 (Bad Request)"; the answers are
 * listed with method, URL and body, so a failure says which request the carrier refused and why.
 */
export class PageProblems {
  private readonly found: string[] = [];
  private readonly pending: Promise<void>[] = [];

  watch(page: Page): void {
    page.on("pageerror", (error) => this.found.push(`page error: ${error.message}`));
    page.on("console", (message) => {
      if (message.type() === "error") this.found.push(`console error: ${message.text()}`);
    });
    page.on("response", (response) => {
      if (response.status() >= 400) this.pending.push(this.refused(response));
    });
  }

  /** Everything found so far, once the bodies of the refused requests are in. */
  async list(): Promise<string[]> {
    await Promise.all(this.pending);
    return [...this.found];
  }

  private async refused(response: Response): Promise<void> {
    const request = response.request();
    // An event stream's body is gone once the page has closed it.
    const body = await response.text().then(
      (text) => text.slice(0, 300),
      () => "(body no longer available)",
    );
    this.found.push(`${request.method()} ${response.url()} → ${response.status()} ${body}`);
  }
}
