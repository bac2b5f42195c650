// Building an Intl.DateTimeFormat costs far more than using one (a quarter of a broadcast's CPU when
// made per subscriber), so each format is made once per time zone. A zone the runtime does not know
// throws from the returned function, and nothing is kept for it.

/** A function giving the format with these options in a zone, made on first use and kept. */
export function perZoneFormat(locale: string, options: Omit<Intl.DateTimeFormatOptions, "timeZone">): (timeZone: string) => Intl.DateTimeFormat {
  const formats = new Map<string, Intl.DateTimeFormat>();
  return (timeZone) => {
    let format = formats.get(timeZone);
    if (!format) {
      format = new Intl.DateTimeFormat(locale, { ...options, timeZone });
      formats.set(timeZone, format);
    }
    return format;
  };
}
