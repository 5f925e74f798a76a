// The server's own rules for package names, versions and file names, read once from GraphQL: the UI has no copy
// of them that could drift (Registry.Schema/Packages/PackageNameRules.cs writes them to mean the same in both engines).
import { gql } from './api'
import { GenericPackageNameRulesDocument as GenericPackageNameRules } from './graphql/generated'

export interface NameRules { name: RegExp; version: RegExp; file: RegExp }

/** What each rule allows, in the words shown beside a refused value. */
export const RULE_WORDS = {
  name: 'A package name can contain only letters, digits, ".", "_", "+" and "-" (at most 255 characters).',
  version: 'A version can contain only letters, digits, ".", "_", "+" and "-", and no "..".',
  file: 'A file name can contain only letters, digits, ".", "_", "+", "-", "~" and "@", and cannot start or end with "~" or "@".',
}

let loading: Promise<NameRules> | null = null

export function loadNameRules(): Promise<NameRules> {
  loading ??= gql(GenericPackageNameRules)
    .then(({ genericPackageNameRules: r }) => ({ name: new RegExp(r.packageName), version: new RegExp(r.packageVersion), file: new RegExp(r.fileName) }))
  loading.catch(() => (loading = null))
  return loading
}

/** The one-click fix offered for a refused file name: each character the rule refuses (a space, say) becomes "_",
 * judged by the rule itself; none when that is not enough. */
export function fixedFileName(name: string, rule: RegExp): string | null {
  const fixed = [...name].map((c) => (rule.test(`a${c}a`) ? c : '_')).join('')
  return fixed !== name && rule.test(fixed) ? fixed : null
}
