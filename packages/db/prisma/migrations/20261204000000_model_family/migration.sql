-- AlterTable
ALTER TABLE "models" ADD COLUMN     "family" TEXT,
ADD COLUMN     "refiner" TEXT;
