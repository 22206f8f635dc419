/**
 * A batch's link as a citizen opens it: the path the API gives (`rate.html?form=…[&unit=…]#t=<token>`)
 * made absolute against where the site is served, for the CSV and the QR codes alike.
 */
export const absoluteLink = (path: string): string => new URL(path, location.href).href;
