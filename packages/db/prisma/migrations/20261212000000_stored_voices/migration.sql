-- CreateTable
CREATE TABLE "stored_voices" (
    "id" UUID NOT NULL,
    "tenant_id" UUID NOT NULL,
    "voice_id" TEXT NOT NULL,
    "name" TEXT NOT NULL DEFAULT '',
    "storage_key" TEXT NOT NULL,
    "seconds" DECIMAL(8,3) NOT NULL,
    "created_at" TIMESTAMPTZ(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,

    CONSTRAINT "stored_voices_pkey" PRIMARY KEY ("id")
);

-- CreateIndex
CREATE UNIQUE INDEX "stored_voices_tenant_id_voice_id_key" ON "stored_voices"("tenant_id", "voice_id");

-- AddForeignKey
ALTER TABLE "stored_voices" ADD CONSTRAINT "stored_voices_tenant_id_fkey" FOREIGN KEY ("tenant_id") REFERENCES "tenants"("id") ON DELETE CASCADE ON UPDATE CASCADE;
