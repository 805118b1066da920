/** The reference project of the seeds: the images its inventory must hold, normalised and sorted. */
export const REFERENCE_BASE_IMAGES = [
  'docker.io/library/alpine:latest',
  'docker.io/library/golang:1.24-alpine',
  'docker.io/library/golang:1.25-alpine',
  'docker.io/library/nginx:1.27-alpine',
  'docker.io/library/nginx:stable-alpine-perl',
  'docker.io/library/node:18-alpine',
  'docker.io/library/node:22-alpine',
  'docker.io/library/postgres:15-alpine',
  'docker.io/library/python:3.13-alpine',
  'docker.io/library/redis:7-alpine',
  'docker.io/osixia/openldap:stable',
  'docker.io/osixia/phpldapadmin:stable',
  'docker.io/redislabs/redisinsight:latest',
  'docker.io/tecnativa/tcp-proxy:latest',
  'quay.io/minio/minio:latest'
]
export const REFERENCE_SERVICE_IMAGES = [
  'docker.io/library/ai-infra-backend:v0.3.5',
  'docker.io/library/ai-infra-frontend:v0.3.5',
  'docker.io/library/ai-infra-jupyterhub:v0.3.5',
  'docker.io/library/ai-infra-nginx:v0.3.5',
  'docker.io/library/ai-infra-saltstack:v0.3.5'
]

