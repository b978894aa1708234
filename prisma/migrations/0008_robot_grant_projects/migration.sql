-- Robot grants that name a project now also carry the project's id, and cover
-- that project only (not a later one created under the same name). Bind the
-- grants of existing robots to the projects that hold those names now; a grant
-- whose project no longer exists stays unbound and covers nothing.
UPDATE "robot_accounts" AS robot
SET "permissions" = (
    SELECT jsonb_agg(
        CASE
            WHEN entry.grant_value->>'project' <> '*' AND project."id" IS NOT NULL
                THEN entry.grant_value || jsonb_build_object('projectId', project."id")
            ELSE entry.grant_value
        END
        ORDER BY entry.position
    )
    FROM jsonb_array_elements(robot."permissions") WITH ORDINALITY AS entry(grant_value, position)
    LEFT JOIN "projects" AS project ON project."name" = entry.grant_value->>'project'
)
WHERE jsonb_typeof(robot."permissions") = 'array' AND jsonb_array_length(robot."permissions") > 0;
