// Matching a caller's input against a menu's options: a DTMF key, or words in a speech result.
import type { MenuNode } from "./flow-schema.js";

export interface MenuInput {
  digits?: string | undefined;
  speech?: string | undefined;
  confidence?: number | undefined;
}

type Option = MenuNode["options"][number];

const SPOKEN_KEYS: Record<string, string> = {
  zero: "0", oh: "0", one: "1", two: "2", three: "3", four: "4", five: "5",
  six: "6", seven: "7", eight: "8", nine: "9", star: "*", hash: "#", pound: "#",
};

/** Lower-case words, without punctuation: "Billing, please!" → ["billing", "please"]. */
export function words(text: string): string[] {
  return text
    .toLowerCase()
    .normalize("NFKD")
    .replace(/\p{M}/gu, "")
    .split(/[^\p{L}\p{N}*#]+/u)
    .filter(Boolean);
}

/** Index of `phrase` as whole consecutive words in `said`, or -1. */
function findPhrase(said: string[], phrase: string[]): number {
  if (phrase.length === 0) return -1;
  for (let i = 0; i + phrase.length <= said.length; i++) {
    if (phrase.every((word, j) => said[i + j] === word)) return i;
  }
  return -1;
}

export function matchOption(node: MenuNode, input: MenuInput): Option | undefined {
  if (input.digits) {
    // numDigits is 1; a longer string (finishOnKey disabled, or a replayed request) counts by its first key.
    return node.options.find((option) => option.key === input.digits?.[0]);
  }
  if (!input.speech) return undefined;
  const said = words(input.speech);
  let best: { option: Option; at: number } | undefined;
  for (const option of node.options) {
    for (const keyword of option.keywords) {
      const at = findPhrase(said, words(keyword));
      if (at >= 0 && (!best || at < best.at)) best = { option, at };
    }
  }
  if (best) return best.option;
  // "one", "option two", "press 3": a spoken key.
  for (const word of said) {
    const key = SPOKEN_KEYS[word] ?? (/^[0-9]$/.test(word) ? word : undefined);
    const option = key === undefined ? undefined : node.options.find((o) => o.key === key);
    if (option) return option;
  }
  return undefined;
}
