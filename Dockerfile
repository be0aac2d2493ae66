# syntax=docker/dockerfile:1
# The Vane controller image: built from source in one stage, run from production dependencies only in the next.
# Runs as the non-root user 65532 on a read-only root filesystem: the only writable paths are HOME=/tmp and the git
# clone cache /var/cache/vane, both emptyDirs in deploy/kustomize. No init process (tini): `vane controller` handles
# SIGTERM itself (stop leading, finish the reconciles in flight, exit) and git's children are reaped by git.
#
# Docker does not run on the machines that test this repository; test/deploy/dockerfile.test.ts checks what can be
# checked without it: every COPY source exists and is not excluded by .dockerignore, and the built program, with the
# files the runtime stage copies and the production dependency closure alone, runs its controller and its demo.

FROM node:20-bookworm-slim AS build
WORKDIR /src
COPY package.json package-lock.json ./
RUN npm ci --no-fund --no-audit
COPY tsconfig.json tsconfig.build.json ./
COPY src ./src
RUN npm run build

FROM node:20-bookworm-slim AS runtime
# git and ssh for rollback by git revert (HTTPS and SSH remotes); CA certificates for HTTPS remotes.
RUN apt-get update \
  && apt-get install -y --no-install-recommends git openssh-client ca-certificates \
  && rm -rf /var/lib/apt/lists/*
WORKDIR /app
COPY package.json package-lock.json ./
# No production dependency has an install script (checked by the test), so none is run.
RUN npm ci --omit=dev --no-fund --no-audit --ignore-scripts \
  && npm cache clean --force \
  && rm -rf /root/.npm
# HOME is the writable /tmp emptyDir at run time (git and ssh write there); set after npm ran as root.
ENV NODE_ENV=production \
    HOME=/tmp \
    VANE_GIT_WORKDIR=/var/cache/vane
COPY --from=build /src/dist ./dist
# The CRD manifests and the examples ship with the program: `vane sandbox` loads the CRDs, `vane demo` the CRDs and
# examples/demo-canary.yaml (docker run --rm <image> demo).
COPY crds ./crds
COPY examples ./examples
RUN mkdir -p /var/cache/vane && chown 65532:65532 /var/cache/vane
USER 65532:65532
EXPOSE 8080
ENTRYPOINT ["node", "dist/main.js"]
CMD ["controller"]
