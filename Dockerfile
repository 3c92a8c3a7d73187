# OmniStream Gateway: one image for the three services and the one-shot jobs; the command picks
# which one runs (docker-compose.yml sets it per service):
#   node services/webhook-ingestor/dist/main.js   (default)
#   node services/message-sender/dist/main.js
#   node services/api-gateway/dist/main.js
#   node packages/db/src/migrate-cli.ts           (pnpm migrate)
#   node scripts/create-topics.ts                 (pnpm topics:create)
#
# Why one image: the services share almost every dependency (the workspace packages, fastify,
# kafkajs, pg), so one image is built, scanned and pulled once, and every service always runs the
# same code version as the migrations it was checked against. Why the workspace layout is kept
# as it is (no `pnpm deploy`): each service runs as one bundled file (scripts/build-services.ts) that
# imports its npm dependencies from node_modules by relative path, and the one-shot jobs run their
# TypeScript on Node 24's type stripping, which refuses files under node_modules; the workspace
# packages stay where they are and are linked, so their real paths are outside node_modules.

# Node and pnpm versions are pinned to the ones scripts/setup.sh and package.json's packageManager
# use (scripts/check-deploy.ts checks they agree).
FROM node:24.21.0-slim AS pnpm
RUN npm install --global --no-audit --no-fund --loglevel=error pnpm@10.34.9
ENV PNPM_STORE=/pnpm-store

# Downloads every package the lockfile names into pnpm's store. Only the lockfile and the files pnpm
# reads with it are copied, so this layer is rebuilt only when dependencies change. Done outside
# /app: `pnpm fetch` also fills a node_modules with every importer's packages (the test harness'
# too), which must not end up in the image.
FROM pnpm AS deps
WORKDIR /fetch
COPY pnpm-lock.yaml pnpm-workspace.yaml package.json ./
COPY patches ./patches
RUN pnpm fetch --prod --store-dir "$PNPM_STORE"

# Links the production dependencies of the services and of the workspace packages they use, from
# the store, offline, exactly as locked. patches/ is present, so the kafkajs patch is applied.
# Root devDependencies (vitest, typescript, biome, the test harness with its broker binary) are
# not installed: they are dev-only, and .dockerignore keeps tests, benchmarks, the test harness
# and the simulator out of the context altogether.
FROM deps AS prod
WORKDIR /app
COPY . .
RUN pnpm install --offline --frozen-lockfile --prod --filter '{./services/*}...' --store-dir "$PNPM_STORE"

# Bundles the services (`pnpm build`). The bundler is a development dependency, so it is installed
# here on its own, at the version package.json pins (pnpm check:deploy compares them), and linked
# where the build script imports it; nothing of it reaches the runtime image.
FROM prod AS build
# The console (docs/console.md) is built by Vite, a dependency of its own package only: installed
# here, in the stage that is thrown away, with the versions the lockfile pins.
RUN pnpm install --frozen-lockfile --filter @omnistream/console --store-dir "$PNPM_STORE" \
  && npm install --global --no-audit --no-fund --loglevel=error --prefix /opt/bundler rolldown@1.2.19 \
  && ln -s /opt/bundler/lib/node_modules/rolldown /app/node_modules/rolldown \
  && node scripts/build-services.ts

FROM node:24.21.0-slim AS runtime
# MALLOC_ARENA_MAX, MALLOC_MMAP_THRESHOLD_: the environment the package.json start scripts set (pnpm
# check:deploy compares them).
ENV NODE_ENV=production MALLOC_ARENA_MAX=2 MALLOC_MMAP_THRESHOLD_=65536
WORKDIR /app
# Owned by root and only readable by the service user: the services write nothing to disk.
COPY --from=prod /app /app
COPY --from=build /app/services/webhook-ingestor/dist /app/services/webhook-ingestor/dist
COPY --from=build /app/services/message-sender/dist /app/services/message-sender/dist
COPY --from=build /app/services/api-gateway/dist /app/services/api-gateway/dist
COPY --from=build /app/services/api-gateway/console/dist /app/services/api-gateway/console/dist
USER node
# webhook-ingestor, api-gateway, message-sender (/healthz, /readyz, /metrics only).
EXPOSE 3000 3001 3002
# Shell form so the port variables are read when the check runs; see scripts/healthcheck.ts.
HEALTHCHECK --interval=15s --timeout=5s --start-period=30s --retries=3 \
  CMD node scripts/healthcheck.ts "${WEBHOOK_INGESTOR_PORT:-3000}" "${API_GATEWAY_PORT:-3001}" "${MESSAGE_SENDER_METRICS_PORT:-3002}"
# The default service; docker-compose.yml gives each service its command. Each is the `start:<service>`
# script of package.json, Node flags included (pnpm check:deploy compares them).
CMD ["node", "--expose-gc", "--max-semi-space-size=8", "--liftoff-only", "services/webhook-ingestor/dist/main.js"]
