-- AlterTable
ALTER TABLE "models" ADD COLUMN     "revision" TEXT;
