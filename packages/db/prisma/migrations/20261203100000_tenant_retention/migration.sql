-- AlterTable
ALTER TABLE "tenants" ADD COLUMN     "retain_artifacts_days" INTEGER,
ADD COLUMN     "retain_jobs_days" INTEGER,
ADD COLUMN     "retain_webhook_logs_days" INTEGER;
