# Sourced by the benchmarks after lib.sh: seed_packages N [project] inserts N generic packages with one file each into
# a project the server created (default bench/ci), straight into its database in one statement per table, so seeding
# 100,000 takes seconds instead of 100,000 uploads. The rows look like a CI's: 500 component names with 200 versions
# each (component-<k>, 1.<v>.0), one created a second from 2024-01-01 on, 1 in 100 hidden, every file's blob key
# unique. The blobs themselves are not written: these rows are for lists, not downloads.
seed_packages() {
    local count=$1 project=${2:-bench/ci}
    local project_id
    project_id=$(echo "SELECT \"Id\" FROM \"Projects\" WHERE \"FullPathKey\" = '$project';" | db_exec | tr -d ' ')
    [[ -n "$project_id" ]] || { echo "no project $project" >&2; exit 1; }
    say "seeding $count packages into $project (id $project_id)"
    local series created
    if [[ "$backend" == postgres-s3 ]]; then
        series="SELECT n FROM generate_series(1, $count) AS n"
        created="timestamptz '2024-01-01 00:00:00+00' + n * interval '1 second'"
    else
        series="WITH RECURSIVE seq(n) AS (SELECT 1 UNION ALL SELECT n + 1 FROM seq WHERE n < $count) SELECT n FROM seq"
        created="datetime('2024-01-01', '+' || n || ' seconds')"
    fi
    db_exec <<EOF
INSERT INTO "Packages" ("ProjectId", "PackageType", "Name", "Version", "Status", "CreatedAt", "UpdatedAt")
SELECT $project_id, 0, 'component-' || (n % 500), '1.' || (n / 500) || '.0', CASE WHEN n % 100 = 7 THEN 1 ELSE 0 END,
       $created, $created
FROM ($series) AS s;
INSERT INTO "PackageFiles" ("PackageId", "FileName", "Size", "FileSha256", "FileMd5", "FileSha1", "BlobKey", "Status", "CreatedAt", "UpdatedAt")
SELECT "Id", 'artifact.tar.gz', 1024, '9f86d081884c7d659a2feaa0c55ad015a3bf4f1b2b0b822cd15d6c15b0f00a08',
       '098f6bcd4621d373cade4e832627b4f6', 'a94a8fe5ccb19ba61c4c0873d391e987982fbbd3', 'files/seed/' || "Id", 0, "CreatedAt", "CreatedAt"
FROM "Packages" WHERE "ProjectId" = $project_id AND "Name" LIKE 'component-%';
EOF
    # PostgreSQL's autovacuum would analyze the new rows within a minute; do it now rather than wait.
    [[ "$backend" == postgres-s3 ]] && echo 'ANALYZE;' | db_exec
    return 0
}
