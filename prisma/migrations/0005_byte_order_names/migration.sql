-- Tag lists and the catalog are sorted and paged by name in byte order, as
-- Distribution sorts them, whatever the database's default collation. Prisma's
-- schema cannot express a column collation, so this migration is written by
-- hand; test/db/migrations.test.ts checks that it is in place.
ALTER TABLE "tags" ALTER COLUMN "name" TYPE TEXT COLLATE "C";
ALTER TABLE "repositories" ALTER COLUMN "name" TYPE TEXT COLLATE "C";
