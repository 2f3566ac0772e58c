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

COPY tsconfig.json ./
COPY src ./src
RUN mkdir -p /app/.data && chown node:node /app/.data

USER node
EXPOSE 8080
# node --import tsx (not the tsx CLI): one process, so SIGTERM reaches main's graceful stop.
# The flags are the service's node flags (src/node-options.ts).
CMD ["node", "--max-semi-space-size=2", "--heap-growing-percent=30", "--import", "tsx", "src/app/main.ts"]
