-- AlterTable
ALTER TABLE "projects" ADD COLUMN     "storage_limit" BIGINT NOT NULL DEFAULT -1,
ADD COLUMN     "storage_used" BIGINT NOT NULL DEFAULT 0;

-- CreateTable
CREATE TABLE "project_blobs" (
    "project_id" INTEGER NOT NULL,
    "digest" TEXT NOT NULL,
    "size" BIGINT NOT NULL,
    "created_at" TIMESTAMP(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,

    CONSTRAINT "project_blobs_pkey" PRIMARY KEY ("project_id","digest")
);

-- CreateTable
CREATE TABLE "system_settings" (
    "key" TEXT NOT NULL,
    "value" JSONB NOT NULL,
    "updated_at" TIMESTAMP(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,

    CONSTRAINT "system_settings_pkey" PRIMARY KEY ("key")
);

-- CreateTable
CREATE TABLE "gc_runs" (
    "id" SERIAL NOT NULL,
    "started_at" TIMESTAMP(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "finished_at" TIMESTAMP(3),
    "trigger" TEXT NOT NULL,
    "dry_run" BOOLEAN NOT NULL,
    "delete_untagged" BOOLEAN NOT NULL,
    "grace_seconds" INTEGER NOT NULL,
    "status" TEXT NOT NULL,
    "artifacts_deleted" INTEGER NOT NULL DEFAULT 0,
    "blobs_deleted" INTEGER NOT NULL DEFAULT 0,
    "bytes_freed" BIGINT NOT NULL DEFAULT 0,
    "error" TEXT,

    CONSTRAINT "gc_runs_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "retention_rules" (
    "id" SERIAL NOT NULL,
    "project_id" INTEGER NOT NULL,
    "repository_pattern" TEXT NOT NULL,
    "repository_exclude" BOOLEAN NOT NULL DEFAULT false,
    "tag_pattern" TEXT NOT NULL,
    "tag_exclude" BOOLEAN NOT NULL DEFAULT false,
    "kind" TEXT NOT NULL,
    "value" INTEGER NOT NULL DEFAULT 0,
    "created_at" TIMESTAMP(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,

    CONSTRAINT "retention_rules_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "immutable_tag_rules" (
    "id" SERIAL NOT NULL,
    "project_id" INTEGER NOT NULL,
    "repository_pattern" TEXT NOT NULL,
    "repository_exclude" BOOLEAN NOT NULL DEFAULT false,
    "tag_pattern" TEXT NOT NULL,
    "tag_exclude" BOOLEAN NOT NULL DEFAULT false,
    "created_at" TIMESTAMP(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,

    CONSTRAINT "immutable_tag_rules_pkey" PRIMARY KEY ("id")
);

-- CreateIndex
CREATE INDEX "project_blobs_digest_idx" ON "project_blobs"("digest");

-- CreateIndex
CREATE INDEX "gc_runs_started_at_idx" ON "gc_runs"("started_at");

-- CreateIndex
CREATE INDEX "retention_rules_project_id_idx" ON "retention_rules"("project_id");

-- CreateIndex
CREATE INDEX "immutable_tag_rules_project_id_idx" ON "immutable_tag_rules"("project_id");

-- AddForeignKey
ALTER TABLE "project_blobs" ADD CONSTRAINT "project_blobs_project_id_fkey" FOREIGN KEY ("project_id") REFERENCES "projects"("id") ON DELETE CASCADE ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "retention_rules" ADD CONSTRAINT "retention_rules_project_id_fkey" FOREIGN KEY ("project_id") REFERENCES "projects"("id") ON DELETE CASCADE ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "immutable_tag_rules" ADD CONSTRAINT "immutable_tag_rules_project_id_fkey" FOREIGN KEY ("project_id") REFERENCES "projects"("id") ON DELETE CASCADE ON UPDATE CASCADE;

