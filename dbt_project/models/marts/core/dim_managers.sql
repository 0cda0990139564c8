with

users as (

    select * from {{ ref('stg_opapp__users') }}
    -- staff only: portal users (customers' contact persons) manage nothing
    where not is_portal_user

),

departments as (

    select * from {{ ref('int_departments_rolled_up_to_offices') }}

),

managers as (

    select
        user_id as manager_id,
        full_name as manager_name,
        login,
        role,
        is_active,
        department_id,
        supervisor_id

    from users

),

-- The sales structure (Подразделения): the user's department, the regional office above it
-- and the supervisor's name. Current placement, not the one at the time of each deal.
managers_joined_to_departments as (

    select
        managers.*,
        departments.department_name,
        departments.regional_office_id,
        departments.regional_office_name,
        supervisors.full_name as supervisor_name

    from managers
    left join departments
        on managers.department_id = departments.department_id
    left join users as supervisors
        on managers.supervisor_id = supervisors.user_id

)

select * from managers_joined_to_departments
