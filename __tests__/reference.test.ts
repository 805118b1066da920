import { describe, expect, it, test } from '@jest/globals'
import { familiarName, familiarText, formatReference, isOfficialImage, parseReference, parseRegistryTarget, tryParseReference } from '../src/reference.js'

const DIGEST = 'sha256:' + 'a'.repeat(64)

describe('parseReference normalises as docker pull reads names', () => {
  it.each([
    ['postgres', 'docker.io/library/postgres:latest'],
    ['postgres:15-alpine', 'docker.io/library/postgres:15-alpine'],
    ['redislabs/redisinsight', 'docker.io/redislabs/redisinsight:latest'],
    ['docker.io/postgres:15', 'docker.io/library/postgres:15'],
    ['index.docker.io/library/postgres:15', 'docker.io/library/postgres:15'],
    ['index.docker.io/osixia/openldap:stable', 'docker.io/osixia/openldap:stable'],
    ['quay.io/minio/minio', 'quay.io/minio/minio:latest'],
    ['localhost/app', 'localhost/app:latest'],
    ['localhost:5000/team/app:1.0', 'localhost:5000/team/app:1.0'],
    ['127.0.0.1:5000/app', '127.0.0.1:5000/app:latest'],
    ['[::1]:5000/app:2', '[::1]:5000/app:2'],
    ['ghcr.io/acme/tool:1.2', 'ghcr.io/acme/tool:1.2'],
    [`postgres@${DIGEST}`, `docker.io/library/postgres@${DIGEST}`],
    [`postgres:15@${DIGEST}`, `docker.io/library/postgres:15@${DIGEST}`],
    ['a/b/c/d:x_y.z-1', 'docker.io/a/b/c/d:x_y.z-1'],
    ['my-org/my__app', 'docker.io/my-org/my__app:latest']
  ])('%s → %s', (text, expected) => {
    expect(formatReference(parseReference(text))).toBe(expected)
  })

  it.each([
    ['', 'it is empty'],
    ['Postgres', 'repository names must be lowercase'],
    ['postgres:', "'' is not a valid tag"],
    ['postgres:-bad', "'-bad' is not a valid tag"],
    ['postgres@sha256:abc', 'not a valid digest'],
    [`postgres@sha256:${'A'.repeat(64)}`, 'lowercase hexadecimal'],
    ['a//b', 'empty path component'],
    ['foo bar', 'white space'],
    ['${IMAGE}', 'is not a valid'],
    ['-x/y', 'is not a valid']
  ])('rejects %j with a reason', (text, reason) => {
    const result = tryParseReference(text)
    expect('error' in result && result.error.message).toContain(reason)
  })
})

describe('familiarName gives the short form people write', () => {
  it.each([
    ['postgres:15-alpine', 'postgres:15-alpine'],
    ['docker.io/osixia/openldap:stable', 'osixia/openldap:stable'],
    ['quay.io/minio/minio', 'quay.io/minio/minio:latest'],
    ['docker.io/library/a/b', 'library/a/b:latest']
  ])('%s → %s', (text, expected) => {
    expect(familiarName(parseReference(text))).toBe(expected)
  })
})

it('recognises Docker Hub official images only under library/ with one component', () => {
  expect(isOfficialImage(parseReference('postgres'))).toBe(true)
  expect(isOfficialImage(parseReference('osixia/openldap'))).toBe(false)
  expect(isOfficialImage(parseReference('quay.io/library/x'))).toBe(false)
})

describe('parseRegistryTarget', () => {
  it.each([
    ['harbor.example.com/aihpc', 'harbor.example.com', 'aihpc'],
    ['harbor.example.com/aihpc/', 'harbor.example.com', 'aihpc'],
    ['127.0.0.1:5000', '127.0.0.1:5000', ''],
    ['xxx.aliyuncs.com/ai-infra-matrix', 'xxx.aliyuncs.com', 'ai-infra-matrix'],
    ['localhost:5000/a/b', 'localhost:5000', 'a/b']
  ])('%s', (text, registry, namespace) => {
    expect(parseRegistryTarget(text)).toEqual({ registry, namespace })
  })
  it.each(['aihpc', 'aihpc/project', 'harbor.example.com/Bad'])('rejects %s', text => {
    expect(() => parseRegistryTarget(text)).toThrow(/Invalid image reference/)
  })
})

describe('familiarText', () => {
  test.each([
    ['docker.io/library/postgres:15-alpine', 'postgres:15-alpine'],
    ['docker.io/library/golang', 'golang'],
    ['golang:latest', 'golang:latest'],
    ['quay.io/minio/minio', 'quay.io/minio/minio'],
    [`redis@sha256:${'a'.repeat(64)}`, `redis@sha256:${'a'.repeat(64)}`],
    ['127.0.0.1:5000/app', '127.0.0.1:5000/app'],
    ['127.0.0.1:5000/app:v1', '127.0.0.1:5000/app:v1'],
    ['Not A Reference', 'Not A Reference']
  ])('%s is written as %s, with no tag the text did not have', (text, expected) => {
    expect(familiarText(text)).toBe(expected)
  })
})
