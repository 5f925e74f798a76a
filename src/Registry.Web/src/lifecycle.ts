// Words for the package lifecycle settings: GitLab's protection levels and cleanup policy values, and a retention
// rule's criteria in a sentence.

/** Minimum access to push to a protected name; none (null) leaves it to Developers, as without a rule. */
export const pushLevels = [
  { value: '', label: 'Developer (no minimum)' },
  { value: 'MAINTAINER', label: 'Maintainer' },
  { value: 'OWNER', label: 'Owner' },
  { value: 'ADMIN', label: 'Administrator' },
]

/** Minimum access to delete a protected name; none (null) leaves it to Maintainers, as without a rule. */
export const deleteLevels = [
  { value: '', label: 'Maintainer (no minimum)' },
  { value: 'OWNER', label: 'Owner' },
  { value: 'ADMIN', label: 'Administrator' },
]

/** What a new rule's form preselects (GitLab's: pushes for Maintainers); the form marks these "(default)". */
export const defaultLevels = { push: 'MAINTAINER', delete: '' }

/** An option of the new rule's form: the preselected one says it is the default. */
export function optionLabel(level: { value: string; label: string }, preselected: string): string {
  return level.value === preselected ? `${level.label} (default)` : level.label
}

export function levelLabel(levels: { value: string; label: string }[], value: string | null): string {
  return levels.find((l) => l.value === (value ?? ''))?.label ?? String(value)
}

/** GitLab's "Number of duplicated assets to keep". */
export const keepOptions = [
  { value: 'ALL_PACKAGE_FILES', label: 'All duplicated assets' },
  { value: 'ONE_PACKAGE_FILE', label: '1 duplicated asset' },
  { value: 'TEN_PACKAGE_FILES', label: '10 duplicated assets' },
  { value: 'TWENTY_PACKAGE_FILES', label: '20 duplicated assets' },
  { value: 'THIRTY_PACKAGE_FILES', label: '30 duplicated assets' },
  { value: 'FORTY_PACKAGE_FILES', label: '40 duplicated assets' },
  { value: 'FIFTY_PACKAGE_FILES', label: '50 duplicated assets' },
]

export interface RetentionRule {
  id: string
  packageNamePattern: string
  excludePackageNamePattern: string | null
  excludeVersionPattern: string | null
  olderThanDays: number | null
  keepNewestVersions: number | null
  notDownloadedForDays: number | null
  packageStatus: string | null
  deleteNewestVersion: boolean
  enabled: boolean
  nextRunAt: string | null
}

const plural = (n: number, one: string, many: string) => `${n} ${n === 1 ? one : many}`

/** What a retention rule selects, in words: every criterion that is set must hold. */
export function retentionCriteria(rule: RetentionRule): string[] {
  const parts: string[] = []
  if (rule.keepNewestVersions !== null) parts.push(`keeps the ${plural(rule.keepNewestVersions, 'newest version', 'newest versions')}`)
  if (rule.olderThanDays !== null) parts.push(`older than ${plural(rule.olderThanDays, 'day', 'days')}`)
  if (rule.notDownloadedForDays !== null) parts.push(`not downloaded for ${plural(rule.notDownloadedForDays, 'day', 'days')}`)
  if (rule.packageStatus) parts.push(`${rule.packageStatus.toLowerCase()} packages only`)
  if (rule.excludePackageNamePattern) parts.push(`except names ${rule.excludePackageNamePattern}`)
  if (rule.excludeVersionPattern) parts.push(`except versions ${rule.excludeVersionPattern}`)
  parts.push(rule.deleteNewestVersion ? 'may delete the newest version' : 'never deletes the newest version')
  return parts
}
