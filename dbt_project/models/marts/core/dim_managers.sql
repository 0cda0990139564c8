with

users as (

    select * from {{ ref('stg_opapp__users') }}
    -- staff only: portal users (customers' contact persons) manage nothing
    where not is_portal_user

),

managers as (

    select
        user_id as manager_id,
        full_name as manager_name,
        login,
        role,
        is_active

    from users

)

select * from managers
