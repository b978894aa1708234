-- CreateTable
CREATE TABLE "chart_catalogs" (
    "project_id" INTEGER NOT NULL,
    "revision" INTEGER NOT NULL DEFAULT 0,
    "updated_at" TIMESTAMP(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,

    CONSTRAINT "chart_catalogs_pkey" PRIMARY KEY ("project_id")
);

-- CreateTable
CREATE TABLE "chart_versions" (
    "id" SERIAL NOT NULL,
    "project_id" INTEGER NOT NULL,
    "name" TEXT NOT NULL,
    "version" TEXT NOT NULL,
    "digest" TEXT NOT NULL,
    "size" BIGINT NOT NULL,
    "prov_digest" TEXT,
    "prov_size" BIGINT,
    "manifest_digest" TEXT,
    "source" TEXT NOT NULL,
    "entry" JSONB NOT NULL,
    "details" JSONB NOT NULL,
    "created_at" TIMESTAMP(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,

    CONSTRAINT "chart_versions_pkey" PRIMARY KEY ("id")
);

-- CreateIndex
CREATE UNIQUE INDEX "chart_versions_project_id_name_version_key" ON "chart_versions"("project_id", "name", "version");

-- AddForeignKey
ALTER TABLE "chart_catalogs" ADD CONSTRAINT "chart_catalogs_project_id_fkey" FOREIGN KEY ("project_id") REFERENCES "projects"("id") ON DELETE CASCADE ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "chart_versions" ADD CONSTRAINT "chart_versions_project_id_fkey" FOREIGN KEY ("project_id") REFERENCES "projects"("id") ON DELETE CASCADE ON UPDATE CASCADE;

