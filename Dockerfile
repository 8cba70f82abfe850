# One image for every Tender app; the service's command picks the app.
FROM node:20-bookworm-slim
WORKDIR /app
ENV NODE_ENV=production
COPY package.json package-lock.json ./
COPY apps ./apps
COPY packages ./packages
COPY prisma ./prisma
COPY contracts ./contracts
COPY scripts ./scripts
COPY prisma.config.ts tsconfig.json tsconfig.base.json ./
RUN node scripts/lock-platform-stubs.mjs && npm ci --include=dev && npm cache clean --force
USER node
EXPOSE 8080
CMD ["npm", "run", "start", "-w", "apps/api"]
