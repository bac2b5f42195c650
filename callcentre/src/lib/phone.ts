/** A phone number as it may appear in logs: "+61491570110" → "+614*****110". */
export function maskPhone(number: string | undefined | null): string {
  if (!number) return "";
  if (!/^\+?\d{6,}$/.test(number)) return number.length > 3 ? `${number.slice(0, 2)}***` : "***";
  return `${number.slice(0, 4)}${"*".repeat(Math.max(number.length - 7, 1))}${number.slice(-3)}`;
}
