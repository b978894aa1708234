-- CreateTable
CREATE TABLE "chart_catalog_names" (
    "project_id" INTEGER NOT NULL,
    "name" TEXT NOT NULL,
    "revision" INTEGER NOT NULL,

    CONSTRAINT "chart_catalog_names_pkey" PRIMARY KEY ("project_id","name")
);

-- AddForeignKey
ALTER TABLE "chart_catalog_names" ADD CONSTRAINT "chart_catalog_names_project_id_fkey" FOREIGN KEY ("project_id") REFERENCES "projects"("id") ON DELETE CASCADE ON UPDATE CASCADE;
