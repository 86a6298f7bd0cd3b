# Safety Centre: the service as a container image. See docs/deployment.md.
#
# Build:  docker build -t safety-centre .
# Run:    docker run --env-file production.env -p 3000:3000 safety-centre
#
# Node 24 is the long-term-support line CI also tests on (package.json allows 20.19 and later;
# a few dependencies of dependencies ask for 22 or later).
ARG NODE_IMAGE=node:24-bookworm-slim

# --- build: every dependency, the assets, and the TypeScript turned into plain JavaScript ---
FROM ${NODE_IMAGE} AS build
WORKDIR /build
COPY package.json package-lock.json ./
RUN npm ci --no-audit --no-fund
COPY tsconfig.json ./
COPY scripts ./scripts
COPY src ./src
COPY content ./content
COPY migrations ./migrations
# Fingerprinted, pre-compressed stylesheets and scripts into public/.
RUN npm run build
# Each file on its own (no bundling), in place, so that every path the code finds relative to
# itself (views, migrations, content, assets) is where it is in the repository. The service
# then runs on plain `node`, without tsx or any other development dependency.
RUN npx esbuild $(find src scripts -name '*.ts' ! -name '*.test.ts') \
      --outdir=/out --outbase=. --format=esm --platform=node --target=node20 --log-level=warning \
 && (cd src && find . -type f ! -name '*.ts' ! -name '*.scss' -exec cp --parents {} /out/src/ \;)

# --- runtime: production dependencies only, run as an unprivileged user ---
FROM ${NODE_IMAGE} AS runtime
ENV NODE_ENV=production \
    HOST=0.0.0.0 \
    PORT=3000 \
    DATA_DIR=/tmp/safety-centre
WORKDIR /app
COPY package.json package-lock.json ./
RUN npm ci --omit=dev --ignore-scripts --no-audit --no-fund && npm cache clean --force
COPY --from=build /out/src ./src
COPY --from=build /out/scripts ./scripts
COPY --from=build /build/public ./public
COPY content ./content
COPY migrations ./migrations
# The image's files belong to root and cannot be changed by the service's user.
USER node
EXPOSE 3000
HEALTHCHECK --interval=10s --timeout=3s --start-period=60s --retries=3 \
  CMD ["node", "-e", "fetch('http://127.0.0.1:' + (process.env.PORT || 3000) + '/health').then(r => process.exit(r.ok ? 0 : 1), () => process.exit(1))"]
# Node as PID 1 is fine here: the service handles SIGTERM itself (src/server.ts) and starts no
# children. `docker run --init` adds a reaper if an operator wants one.
CMD ["node", "src/server.js"]
