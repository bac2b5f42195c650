import { test } from "node:test";
import assert from "node:assert/strict";
import { ConfigError } from "../../src/config.js";
import { buildProgram } from "../../src/cli/program.js";
import { runCli } from "../../src/cli/run.js";
import { AUTH_TOKEN, fakeTwilioRest } from "./fake-twilio-rest.js";
import { run } from "./cli-harness.js";

const collect = () => {
  const out = { stdout: "", stderr: "" };
  return { out, stdout: (text: string) => void (out.stdout += text), stderr: (text: string) => void (out.stderr += text) };
};

test("an invalid configuration prints ConfigError's message, exit code 1", async (t) => {
  const api = await fakeTwilioRest(t);
  const result = await run(api, ["sms", "list"], { env: { TWILIO_AUTH_TOKEN: undefined } });
  assert.equal(result.code, 1);
  assert.equal(
    result.stderr,
    "Invalid configuration:\n  - TWILIO_AUTH_TOKEN is missing: set both TWILIO_ACCOUNT_SID and TWILIO_AUTH_TOKEN, or neither\n",
  );
  assert.equal(api.requests.length, 0);
});

test("the configuration is loaded only by commands that need it: --help and input errors need none", async () => {
  const io = collect();
  const config = () => {
    throw new ConfigError(["never loaded"]);
  };
  assert.equal(await runCli(["--help"], { config, stdout: io.stdout, stderr: io.stderr }), 0);
  assert.match(io.out.stdout, /^Usage: callcentre \[options\] \[command\]/);
  assert.match(io.out.stdout, /sms +send, show and list SMS messages/);
  assert.equal(await runCli(["sms", "send", "--to", "x", "--body", "hi"], { config, stdout: io.stdout, stderr: io.stderr }), 1);
  assert.doesNotMatch(io.out.stderr, /never loaded/);
});

test("usage errors: commander's message and exit code 1", async (t) => {
  const api = await fakeTwilioRest(t);
  const unknown = await run(api, ["sms", "snd"]);
  assert.equal(unknown.code, 1);
  assert.match(unknown.stderr, /unknown command 'snd'/);
  const missing = await run(api, ["sms", "send", "--to", "+61491570156"]);
  assert.equal(missing.code, 1);
  assert.match(missing.stderr, /required option '--body <text>' not specified/);
  assert.equal(api.requests.length, 0);
});

test("--tunnel with any command but numbers configure is refused", async (t) => {
  const api = await fakeTwilioRest(t);
  const result = await run(api, ["--tunnel", "sms", "list"], { env: { NGROK_AUTHTOKEN: "ngrok-token-for-tests" } });
  assert.equal(result.code, 1);
  assert.equal(result.stderr, "Error: --tunnel is only used by 'numbers configure'\n");
  assert.equal(api.requests.length, 0);
});

test("an unreachable API is named, with the reason", async (t) => {
  const api = await fakeTwilioRest(t);
  const result = await run(api, ["sms", "list"], { env: { TWILIO_API_BASE_URL: "http://127.0.0.1:9" } });
  assert.equal(result.code, 1);
  assert.match(result.stderr, /^Error: could not reach the Twilio API at http:\/\/127\.0\.0\.1:9 \(.*ECONNREFUSED.*\)\n$/);
});

test("the auth token is masked in any error text, even with --verbose", async (t) => {
  const api = await fakeTwilioRest(t);
  api.failNext(400, 20001, `token ${AUTH_TOKEN} echoed by a proxy`);
  const result = await run(api, ["--verbose", "sms", "list"]);
  assert.equal(result.code, 1);
  assert.match(result.stderr, /^Error 20001: token \[redacted\] echoed by a proxy/);
  assert.doesNotMatch(result.stderr, new RegExp(AUTH_TOKEN));
});

test("extra commands (e.g. broadcast) are added with the same context, output and error handling", async (t) => {
  const api = await fakeTwilioRest(t);
  api.addMessage();
  const result = await run(api, ["broadcast", "--dry-run"], {
    extraCommands: [
      (program, cli) =>
        program
          .command("broadcast")
          .option("--dry-run")
          .action(async () => {
            const messages = await cli.client().messages.list({ limit: 5 });
            cli.out(`would send to ${messages.length} recipient(s) from ${cli.config().phoneNumber}`);
          }),
    ],
  });
  assert.equal(result.code, 0, result.stderr);
  assert.equal(result.stdout, "would send to 1 recipient(s) from +61255501234\n");
  const help = collect();
  const program = buildProgram({ config: () => assert.fail("not loaded"), stdout: help.stdout, stderr: help.stderr }, [
    (p) => p.command("broadcast").description("text everyone"),
  ]);
  program.outputHelp();
  assert.match(help.out.stdout, /broadcast +text everyone/);
});
