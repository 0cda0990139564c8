-- A user placed in a live department has its name and regional office; a supervisor id has a
-- name (dim_managers joins the department tree and the supervisors).
select
    manager_id,
    department_id,
    supervisor_id

from {{ ref('dim_managers') }}
where
    (department_id is not null and (department_name is null or regional_office_name is null))
    or (supervisor_id is not null and supervisor_name is null)
