-- AlterTable
ALTER TABLE "jobs" ADD COLUMN     "lease_id" INTEGER;

-- CreateTable
CREATE TABLE "admission_leases" (
    "id" SERIAL NOT NULL,
    "tenant_id" UUID NOT NULL,
    "api_key_id" UUID NOT NULL,
    "slots" INTEGER NOT NULL,
    "credits" DECIMAL(18,3) NOT NULL,
    "expires_at" TIMESTAMPTZ(3) NOT NULL,
    "created_at" TIMESTAMPTZ(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,

    CONSTRAINT "admission_leases_pkey" PRIMARY KEY ("id")
);

-- CreateIndex
CREATE INDEX "admission_leases_tenant_id_idx" ON "admission_leases"("tenant_id");

-- CreateIndex
CREATE INDEX "admission_leases_expires_at_idx" ON "admission_leases"("expires_at");

-- CreateIndex
CREATE INDEX "jobs_lease_id_idx" ON "jobs"("lease_id");
