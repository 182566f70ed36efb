import { defineConfig } from 'prisma/config';

// DATABASE_URL is only read by the migrate commands; `prisma generate` needs none.
export default defineConfig({
  schema: 'prisma/schema.prisma',
  migrations: { path: 'prisma/migrations' },
  datasource: { url: process.env.DATABASE_URL ?? 'postgresql://127.0.0.1:5432/easel' },
});
