# Vesemir's API and worker (one image; VESEMIR_ROLE picks the part). Runs the
# TypeScript sources with tsx, as `npm start` does: no build step to drift.
FROM node:20-bookworm-slim

WORKDIR /app
ENV NODE_ENV=production \
    VESEMIR_DATA_DIR=/app/.data \
    API_HOST=0.0.0.0

# Dependencies first, so source edits reuse this layer. The Temporal worker's
# native bridge ships prebuilt for glibc x64/arm64, hence a Debian base.
COPY package.json package-lock.json ./
RUN npm ci --omit=dev --no-audit --no-fund && npm cache clean --force

# The worker's build ID (docs/operating.md, "Upgrading Vesemir"). An image has no .git to take the
# commit from, and two builds under one ID would break pinned runs: required here.
ARG VESEMIR_BUILD_ID
RUN test -n "$VESEMIR_BUILD_ID" || { echo 'build with --build-arg VESEMIR_BUILD_ID=<package version>+<git commit> (docs/operating.md, "Upgrading Vesemir")' >&2; exit 1; }
ENV VESEMIR_BUILD_ID=$VESEMIR_BUILD_ID

COPY tsconfig.json ./
COPY src ./src
RUN mkdir -p /app/.data && chown node:node /app/.data

USER node
EXPOSE 8080
# node --import tsx (not the tsx CLI): one process, so SIGTERM reaches main's graceful stop.
# The flags are the service's node flags (src/node-options.ts).
CMD ["node", "--max-semi-space-size=2", "--heap-growing-percent=30", "--import", "tsx", "src/app/main.ts"]
