/**
 * Staff pages give times on the office's clock with its zone's name ("14 Jan 2027, 09:05 GMT",
 * "3 Jul 2027, 23:40 BST"): the Control Centre works across clock changes, and a bare time
 * would leave them to guess which side of one it is.
 */
export function staffDateFormat(timeZone: string): (value: unknown) => string {
  const format = new Intl.DateTimeFormat('en-GB', {
    timeZone,
    day: 'numeric',
    month: 'short',
    year: 'numeric',
    hour: '2-digit',
    minute: '2-digit',
    timeZoneName: 'short',
  })
  return (value) => {
    if (!(value instanceof Date)) return ''
    const part = Object.fromEntries(format.formatToParts(value).map((p) => [p.type, p.value]))
    return `${part.day} ${part.month} ${part.year}, ${part.hour}:${part.minute} ${part.timeZoneName}`
  }
}
