/**
 * The line scanner that reads plain Dockerfiles (issue 14: scanning cost) must
 * give exactly what dockerfile-ast gives, or decline. Every case is checked
 * both ways: the scanner's model (every range included) equals
 * dockerfile-ast's whenever it answers, and the extraction (references,
 * findings, target needs) is the same whichever reader ran.
 */
import { describe, expect, it } from '@jest/globals'
import * as fs from 'node:fs'
import * as path from 'node:path'
import { extractDockerfile, extractDockerfileWith, type DockerfileOptions } from '../src/extract/dockerfile.js'
import { parseDockerfileAst, readDockerfile, scanPlainDockerfile } from '../src/extract/dockerfile-model.js'

/** Files the scanner reads itself. */
const PLAIN: Array<[string, string]> = [
  ['a single FROM', 'FROM alpine:3.20\n'],
  ['no trailing newline', 'FROM alpine:3.20'],
  ['an empty file', ''],
  ['only comments', '# nothing here\n\n   # indented\n'],
  ['ARG before FROM', 'ARG BASE=postgres:15-alpine\nFROM ${BASE} AS build\nRUN make\nFROM alpine:3.1\nCOPY --from=build /out /out\n'],
  ['ARG without a default, then a build arg', 'ARG TAG\nFROM node:${TAG}\n'],
  ['ARG with several properties', 'ARG A=1 B=2 C\nFROM img:$A-$B\n'],
  ['ARG in the old two-argument form', 'ARG A 1\nFROM img:$A\n'],
  ['ARG in the old form with more words', 'ARG A 1  2\t3\nFROM img:$A\n'],
  ['ARG with an empty default', 'ARG A=\nFROM img:${A:-x}\n'],
  ['ARG with a variable default', 'ARG R=example.org\nARG IMG=${R}/app:1\nFROM $IMG\n'],
  ['ARG with no name', 'ARG\nFROM a\n'],
  ['lower-case keywords and tabs', 'from\talpine:3 \t as \tbase\ncopy\t--from=base /a /b\n'],
  ['a syntax directive', '# syntax=docker/dockerfile:1.7\nFROM alpine\n'],
  ['a syntax directive with blanks', '  #   syntax =   docker/dockerfile:1  \nFROM alpine\n'],
  ['two directives', '# syntax=docker/dockerfile:1\n# check=skip=all\nFROM alpine\n'],
  ['a directive without a value', '# syntax=\nFROM alpine\n'],
  ['a directive after a comment (a comment)', '# hello\n# syntax=docker/dockerfile:1\nFROM alpine\n'],
  ['a directive after a blank line (a comment)', '\n# syntax=docker/dockerfile:1\nFROM alpine\n'],
  ['a directive with two words (stops directives)', '# syntax=a b\n# check=x\nFROM alpine\n'],
  ['a directive as the whole file', '# syntax=docker/dockerfile:1'],
  ['FROM with --platform', 'FROM --platform=$BUILDPLATFORM golang:1.22 AS build\nFROM --platform=linux/arm64 alpine\n'],
  ['FROM with a flag without value, and an odd flag', 'FROM --platform img\nFROM --=x a\nFROM ---weird=1 b\n'],
  ['FROM without an image', 'FROM\nFROM --platform=linux/amd64\n'],
  ['FROM with extra words', 'FROM a AS b c\nFROM a b\nFROM a as\n'],
  ['an argument with -- in the middle', 'COPY a--b --from=x /s /d\nFROM img\n'],
  ['COPY --from forms', 'FROM a AS one\nCOPY --from=one /a /b\nCOPY --from= /a /b\nCOPY --from /a /b\nCOPY --chown=1:1 --from=nginx:1 /a /b\nADD --from=busybox /x /y\n'],
  ['COPY in the JSON form', 'FROM a\nCOPY --from=b ["a b", "c"]\nCOPY ["x", "y"]\n'],
  ['RUN --mount from', 'FROM a AS x\nRUN --mount=type=cache,target=/c --mount=type=bind,from=x,source=/s,target=/t make\nRUN --mount=from=redis:7,target=/r true\n'],
  ['odd mount options', 'FROM a\nRUN --mount=readonly,from=x,  true\nRUN --mount=,from=y true\nRUN --mount=from=z, true\nRUN --mount=a,b true\nRUN --mount=from==q true\n'],
  ['RUN with escapes after its flags', 'FROM a\nRUN printf "a\\tb\\n" && echo \\$HOME\n'],
  ['RUN with quotes and brackets', 'FROM a\nRUN [ -f x ] && echo "x" \'y\'\n'],
  ['other instructions and a # in an argument', 'FROM a\nENV A=1 B="2 3"\nLABEL x="y\\"z"\nRUN echo a#b # not a comment\nCMD ["sh"]\nONBUILD FROM b\n'],
  ['a backslash mid-line in another instruction', 'FROM a\nENV A=b\\ c\nLABEL x=y\\\\z\n'],
  ['ARG after FROM, stage scope', 'ARG V=1\nFROM a:$V\nARG V\nARG W=2\nCOPY --from=b:$V$W /a /b\n'],
  ['a word with # inside', 'FROM#x a\nFROM b\n'],
  ['stage names reused and shadowed', 'FROM a AS x\nFROM x AS y\nFROM y AS X\nCOPY --from=0 /a /b\nCOPY --from=5 /a /b\n']
]

/** Files the scanner leaves to dockerfile-ast. */
const DECLINED: Array<[string, string]> = [
  ['a line continuation', 'FROM \\\n  alpine:3.20 AS base\n'],
  ['a continuation with blanks after the backslash', 'FROM alpine \\   \n  AS base\n'],
  ['a continuation in RUN', 'FROM a\nRUN apt-get update && \\\n    apt-get install -y curl\nFROM b\n'],
  ['a continuation with a comment line inside', 'FROM a\nRUN echo 1 \\\n# comment\n  && echo 2\nCOPY --from=x /a /b\n'],
  ['a comment ending in a backslash', '# see C:\\\nFROM a\n'],
  ['a heredoc', 'FROM a\nRUN <<EOF\nFROM not-an-image\nEOF\nCOPY --from=b /a /b\n'],
  ['a heredoc in COPY', 'FROM a\nCOPY <<-EOT /x\n\tFROM no\nEOT\n'],
  ['the escape directive', '# escape=`\nFROM a `\n  AS b\n'],
  ['an escape directive in upper case', '# ESCAPE=\\\nFROM a\n'],
  ['CRLF line ends', 'FROM alpine:3.20\r\nCOPY --from=a /a /b\r\n'],
  ['a byte order mark', '\ufeffFROM alpine\n'],
  ['an escaped character in FROM', 'FROM alp\\ine\n'],
  ['an escaped space in FROM', 'FROM a\\ b\n'],
  ['quotes in ARG', 'ARG A="x y"\nFROM img:$A\n'],
  ['a single-quoted ARG', "ARG A='x'\nFROM $A\n"],
  ['blanks inside ${} in ARG', 'ARG A=${B:-x y}\nFROM $A\n'],
  ['an unclosed ${ in ARG', 'ARG A=${B C=1\nFROM $A\n'],
  ['an escape in a flag', 'FROM a\nCOPY --from=b\\c /a /b\n'],
  ['an escape in the keyword', 'FR\\OM a\n']
]

describe('the plain Dockerfile scanner', () => {
  it.each(PLAIN)('reads %s exactly as dockerfile-ast does', (_name, text) => {
    const scanned = scanPlainDockerfile(text)
    expect(scanned).toBeDefined()
    expect(scanned).toEqual(parseDockerfileAst(text))
  })

  it.each(DECLINED)('leaves %s to dockerfile-ast', (_name, text) => {
    expect(scanPlainDockerfile(text)).toBeUndefined()
    expect(readDockerfile(text)).toEqual(parseDockerfileAst(text))
  })

  const fixtures = ['fixtures', 'examples'].flatMap(dir =>
    fs.existsSync(dir) ? (fs.readdirSync(dir, { recursive: true }) as string[]).filter(file => /dockerfile|containerfile/i.test(path.basename(file))).map(file => path.join(dir, file)) : []
  )
  it('reads every Dockerfile of the fixtures as dockerfile-ast does, or declines', () => {
    expect(fixtures.length).toBeGreaterThan(5)
    for (const file of fixtures) {
      const text = fs.readFileSync(file, 'utf8')
      const scanned = scanPlainDockerfile(text)
      if (scanned !== undefined) expect([file, scanned]).toEqual([file, parseDockerfileAst(text)])
    }
  })
})

describe('the scanner on generated files', () => {
  /** Lines, tricky ones included, combined by a seeded generator: the same files on every run. */
  const LINES = [
    'FROM alpine:3.20', 'FROM ${BASE} AS build', 'from --platform=$BUILDPLATFORM golang:1.2 as Build', 'FROM build', 'FROM', 'FROM a AS', 'FROM a b c d',
    'ARG BASE=redis:7', 'ARG TAG', 'ARG A=1 B', 'ARG A 1 2', 'ARG X=${TAG}', 'ARG Y=${TAG:-a b}', 'ARG Z="q"', 'arg\tLOW=1',
    'COPY --from=build /a /b', 'COPY --from= /a /b', 'copy --chown=1 --from=nginx:1 src dst', 'ADD --from=${BASE} x y', 'COPY a--b --from=x y z',
    'RUN --mount=type=cache,target=/c,from=build make', 'RUN --mount=from=redis:7 --mount=type=secret,id=x true', 'RUN echo "a\\tb" \'c\'', 'RUN [ -f x ]',
    'RUN apt-get update && \\', '    apt-get install -y x', 'RUN <<EOF', 'EOF', '# comment', '# syntax=docker/dockerfile:1', '# escape=`', '  # check=skip=all',
    '', '   ', '\t', 'ENV A=b\\ c', 'LABEL a="b c"', 'ONBUILD COPY --from=x a b', 'CMD ["sh", "-c"]', 'WORKDIR /app', 'FROM a \\  ', 'COPY --from=b\\c a b'
  ]
  let seed = 14
  const next = (): number => {
    seed = (seed * 1103515245 + 12345) % 2147483648
    return seed / 2147483648
  }
  const files = Array.from({ length: 400 }, () => {
    const count = 1 + Math.floor(next() * 10)
    return Array.from({ length: count }, () => LINES[Math.floor(next() * LINES.length)] as string).join('\n') + (next() < 0.8 ? '\n' : '')
  })

  it('reads each generated file as dockerfile-ast does, or declines, and reads many of them', () => {
    let scanned = 0
    for (const text of files) {
      const model = scanPlainDockerfile(text)
      if (model === undefined) continue
      scanned += 1
      expect([text, model]).toEqual([text, parseDockerfileAst(text)])
    }
    expect(scanned).toBeGreaterThan(100)
  })
})

describe('extraction is the same whichever reader ran', () => {
  const options: DockerfileOptions[] = [
    { file: 'Dockerfile' },
    { file: 'Dockerfile', buildArgs: { BASE: 'redis:7', TAG: '22', V: '9', A: '' }, target: 'build' },
    { file: 'Dockerfile', contexts: { x: 'docker-image://nginx:1', one: 'service:web', redis: 'docker-image://redis:8' } }
  ]
  it.each([...PLAIN, ...DECLINED])('%s', (_name, text) => {
    for (const option of options) expect(extractDockerfile(text, option)).toEqual(extractDockerfileWith(parseDockerfileAst, text, option))
  })
})
