export function formatSize(bytes: number): string {
  if (!Number.isFinite(bytes)) return ''
  const units = ['B', 'KiB', 'MiB', 'GiB', 'TiB']
  let value = bytes
  let unit = 0
  while (value >= 1024 && unit < units.length - 1) {
    value /= 1024
    unit++
  }
  return unit === 0 ? `${value} B` : `${value.toFixed(value < 10 ? 2 : 1)} ${units[unit]}`
}

const dateFormat = new Intl.DateTimeFormat(undefined, { dateStyle: 'medium', timeStyle: 'short' })

export function formatDate(iso: string | null | undefined): string {
  return iso ? dateFormat.format(new Date(iso)) : ''
}

const secondFormat = new Intl.DateTimeFormat(undefined, { dateStyle: 'medium', timeStyle: 'medium' })

/** A date to the second: files uploaded again under one name within a minute still read apart. */
export function formatDateSeconds(iso: string | null | undefined): string {
  return iso ? secondFormat.format(new Date(iso)) : ''
}

const dayFormat = new Intl.DateTimeFormat(undefined, { dateStyle: 'medium', timeZone: 'UTC' })

/** A date without a time (a token's expiry day, which GitLab keeps as a date in UTC). */
export function formatDay(iso: string | null | undefined): string {
  return iso ? dayFormat.format(new Date(iso)) : ''
}

export function timeAgo(iso: string | null | undefined): string {
  if (!iso) return ''
  const seconds = Math.round((Date.now() - new Date(iso).getTime()) / 1000)
  const steps: [number, Intl.RelativeTimeFormatUnit][] = [[60, 'second'], [60, 'minute'], [24, 'hour'], [30, 'day'], [12, 'month']]
  let value = seconds
  for (const [size, unit] of steps) {
    if (Math.abs(value) < size) return new Intl.RelativeTimeFormat(undefined, { numeric: 'auto' }).format(-value, unit)
    value = Math.round(value / size)
  }
  return new Intl.RelativeTimeFormat(undefined, { numeric: 'auto' }).format(-value, 'year')
}

export const accessLevels = ['GUEST', 'REPORTER', 'DEVELOPER', 'MAINTAINER', 'OWNER'] as const
export type AccessLevel = (typeof accessLevels)[number]

export function roleName(level: string): string {
  return level.charAt(0) + level.slice(1).toLowerCase()
}

export function rank(level: string | undefined | null): number {
  return level ? accessLevels.indexOf(level as AccessLevel) : -1
}
