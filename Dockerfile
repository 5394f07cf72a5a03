# One image for every app of the workspace (api, consumer, mock-producer); docker-compose.yml picks the command.
# Node 24 runs the TypeScript sources directly (type stripping): the only build step is the web UI.
FROM node:24-bookworm-slim
ENV PNPM_HOME=/pnpm PATH=/pnpm:$PATH CI=true
RUN corepack enable && corepack prepare pnpm@10.34.9 --activate
WORKDIR /app
# Manifests first, so the dependency layer is rebuilt only when they change: one line per workspace package
# (pnpm-workspace.yaml; scripts/check-dockerfile.sh fails when one is missing).
COPY package.json pnpm-lock.yaml pnpm-workspace.yaml ./
# The dependency patches pnpm applies at install (pnpm-workspace.yaml, patchedDependencies).
COPY patches/ patches/
COPY apps/api/package.json apps/api/
COPY apps/consumer/package.json apps/consumer/
COPY apps/mock-producer/package.json apps/mock-producer/
COPY apps/web/package.json apps/web/
COPY packages/domain/package.json packages/domain/
COPY packages/adapters-memory/package.json packages/adapters-memory/
COPY packages/adapters-postgres/package.json packages/adapters-postgres/
COPY packages/adapters-kafka/package.json packages/adapters-kafka/
COPY packages/runtime/package.json packages/runtime/
COPY tests/e2e/package.json tests/e2e/
RUN pnpm install --frozen-lockfile
COPY . .
RUN pnpm --filter @pt/web run build
# V8 heap limits for every process of the image (packages/runtime/src/NodeFlags.ts decides them and says why;
# the deploy manifests set the same NODE_OPTIONS beside each pod's memory limit).
ENV NODE_ENV=production NODE_OPTIONS="--max-old-space-size=128 --max-semi-space-size=8"
# The mock producer keeps uploaded archives under .data (its --data-dir default).
RUN mkdir -p /app/.data && chown node:node /app/.data
USER node
CMD ["node", "apps/api/src/main.ts"]
