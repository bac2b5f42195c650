import { test } from "node:test";
import assert from "node:assert/strict";
import { chmodSync, mkdtempSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { chromiumPath } from "../src/chromium.js";

const executable = (dir: string, name: string) => {
  const file = join(dir, name);
  writeFileSync(file, "#!/bin/sh\n");
  chmodSync(file, 0o755);
  return file;
};

test("CHROMIUM_PATH comes first, then the usual places in order", () => {
  const dir = mkdtempSync(join(tmpdir(), "chromium-"));
  const mine = executable(dir, "my-chrome");
  const usual = executable(dir, "chromium-browser");
  const locations = [join(dir, "chromium"), usual];
  assert.equal(chromiumPath({ CHROMIUM_PATH: mine }, locations), mine);
  assert.equal(chromiumPath({}, locations), usual, "the first usual place that holds an executable");
  assert.equal(chromiumPath({ CHROMIUM_PATH: "" }, locations), usual, "empty is unset");
});

test("a CHROMIUM_PATH that is not an executable is an error, not a reason to pick another browser", () => {
  const dir = mkdtempSync(join(tmpdir(), "chromium-"));
  const usual = executable(dir, "chromium");
  const notExecutable = join(dir, "readme.txt");
  writeFileSync(notExecutable, "");
  assert.throws(() => chromiumPath({ CHROMIUM_PATH: notExecutable }, [usual]), new RegExp(`CHROMIUM_PATH is ${notExecutable}, which is not an executable file`));
});

test("no Chromium anywhere: the error says what to install or set", () => {
  const dir = mkdtempSync(join(tmpdir(), "chromium-"));
  assert.throws(() => chromiumPath({}, [join(dir, "chromium")]), /no Chromium found .*apt-get install -y chromium.*set CHROMIUM_PATH/);
});
