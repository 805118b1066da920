/**
 * Glob patterns for file discovery, matched against POSIX paths relative to the
 * scanned directory. A pattern without '/' matches a file's name at any depth
 * (`Dockerfile.*`); one with '/' matches the whole relative path
 * (`services/**\/compose.yml`). Supports `**`, `*`, `?`, `[…]` and `{a,b}`.
 */

export interface GlobMatcher {
  readonly pattern: string
  matches(relativePath: string): boolean
}

export function compileGlob(pattern: string): GlobMatcher {
  const normalised = pattern.replace(/\\/g, '/').replace(/^\.\//, '').replace(/\/+$/, '')
  const anchored = normalised.includes('/')
  const regex = new RegExp(`^${translate(normalised)}$`)
  return {
    pattern,
    matches(relativePath: string): boolean {
      const candidate = anchored ? relativePath : relativePath.slice(relativePath.lastIndexOf('/') + 1)
      return regex.test(candidate)
    }
  }
}

export function matchesAny(matchers: readonly GlobMatcher[], relativePath: string): boolean {
  return matchers.some(matcher => matcher.matches(relativePath))
}

function translate(glob: string): string {
  let out = ''
  let braceDepth = 0
  for (let i = 0; i < glob.length; i += 1) {
    const ch = glob[i] as string
    if (ch === '*') {
      if (glob[i + 1] === '*') {
        // '**/' matches zero or more directories; a trailing '**' matches everything below.
        const slashFollows = glob[i + 2] === '/'
        out += slashFollows ? '(?:[^/]+/)*' : '.*'
        i += slashFollows ? 2 : 1
      } else {
        out += '[^/]*'
      }
    } else if (ch === '?') {
      out += '[^/]'
    } else if (ch === '[') {
      const close = glob.indexOf(']', i + 1)
      if (close < 0) {
        out += '\\['
      } else {
        const body = glob.slice(i + 1, close).replace(/^!/, '^').replace(/\\/g, '\\\\')
        out += `[${body}]`
        i = close
      }
    } else if (ch === '{') {
      braceDepth += 1
      out += '(?:'
    } else if (ch === '}' && braceDepth > 0) {
      braceDepth -= 1
      out += ')'
    } else if (ch === ',' && braceDepth > 0) {
      out += '|'
    } else {
      out += ch.replace(/[.+^$()|\\]/g, '\\$&')
    }
  }
  return out
}
