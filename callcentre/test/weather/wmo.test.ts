import { test } from "node:test";
import assert from "node:assert/strict";
import { isGsm7 } from "../../src/weather/gsm7.js";
import { WMO_CODES, weatherLabel } from "../../src/weather/wmo.js";

test("every WMO code Open-Meteo reports has a label", () => {
  assert.deepEqual(
    [...WMO_CODES],
    [0, 1, 2, 3, 45, 48, 51, 53, 55, 56, 57, 61, 63, 65, 66, 67, 71, 73, 75, 77, 80, 81, 82, 85, 86, 95, 96, 99],
  );
});

test("every label is GSM-7 and at most 20 characters", () => {
  for (const code of WMO_CODES) {
    const label = weatherLabel(code);
    assert.ok(isGsm7(label), `${code}: ${label}`);
    assert.ok(label.length > 0 && label.length <= 20, `${code}: ${label}`);
    assert.notEqual(label, "Mixed weather", `${code} has its own label`);
  }
});

test("labels follow the reference's short forms; unknown codes are neutral", () => {
  const cases: [number, string][] = [
    [0, "Clear"],
    [3, "Overcast"],
    [48, "Rime fog"],
    [57, "Heavy frz drizzle"],
    [81, "Showers"],
    [86, "Heavy snow showers"],
    [99, "T-storm, heavy hail"],
    [4, "Mixed weather"],
    [-1, "Mixed weather"],
    [100, "Mixed weather"],
    [80.5, "Mixed weather"],
  ];
  for (const [code, label] of cases) assert.equal(weatherLabel(code), label, String(code));
});
