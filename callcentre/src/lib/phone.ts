/** A phone number as it may appear in logs: "+61491570110" → "+614*****110". */
export function maskPhone(number: string | undefined | null): string {
  if (!number) return "";
  if (!/^\+?\d{6,}$/.test(number)) return number.length > 3 ? `${number.slice(0, 2)}***` : "***";
  return `${number.slice(0, 4)}${"*".repeat(Math.max(number.length - 7, 1))}${number.slice(-3)}`;
}

/**
 * Masks every phone number written in `text` (a URL, say: "/messages/%2B61491570001"), with or without
 * its "+" or "%2B". Runs of digits inside SIDs and other words are left alone.
 */
export function maskPhonesIn(text: string): string {
  return text.replace(/(?<![0-9A-Za-z])(\+|%2B)?(\d{6,15})(?![0-9A-Za-z])/gi, (_match, plus: string | undefined, digits: string) => {
    const masked = maskPhone(`+${digits}`).slice(1);
    return `${plus ?? ""}${masked}`;
  });
}
