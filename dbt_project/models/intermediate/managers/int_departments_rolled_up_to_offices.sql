with

departments as (

    select * from {{ ref('stg_opapp__departments') }}

),

-- The tree walked upwards a fixed number of levels (portable SQL, no recursive CTE): an office
-- with teams is two levels; four ancestors leave room for divisions and sub-teams. A deeper
-- tree leaves regional_office_id null, which the model's not_null test reports.
departments_joined_to_ancestors as (

    select
        departments.department_id,
        departments.department_name,
        departments.parent_department_id,
        departments.head_user_id,
        departments.business_region_id,
        departments.is_regional_office,
        level_1_parents.department_id as ancestor_1_id,
        level_2_parents.department_id as ancestor_2_id,
        level_3_parents.department_id as ancestor_3_id,
        level_4_parents.department_id as ancestor_4_id,
        level_4_parents.parent_department_id as ancestor_5_id

    from departments
    left join departments as level_1_parents
        on departments.parent_department_id = level_1_parents.department_id
    left join departments as level_2_parents
        on level_1_parents.parent_department_id = level_2_parents.department_id
    left join departments as level_3_parents
        on level_2_parents.parent_department_id = level_3_parents.department_id
    left join departments as level_4_parents
        on level_3_parents.parent_department_id = level_4_parents.department_id

),

departments_with_top_level as (

    select
        department_id,
        department_name,
        parent_department_id,
        head_user_id,
        business_region_id,
        is_regional_office,
        case
            when ancestor_5_id is null
                then coalesce(
                    ancestor_4_id,
                    ancestor_3_id,
                    ancestor_2_id,
                    ancestor_1_id,
                    department_id
                )
        end as regional_office_id

    from departments_joined_to_ancestors

),

departments_joined_to_offices as (

    select
        departments_with_top_level.department_id,
        departments_with_top_level.department_name,
        departments_with_top_level.parent_department_id,
        departments_with_top_level.head_user_id,
        departments_with_top_level.business_region_id,
        departments_with_top_level.is_regional_office,
        departments_with_top_level.regional_office_id,
        offices.department_name as regional_office_name

    from departments_with_top_level
    left join departments as offices
        on departments_with_top_level.regional_office_id = offices.department_id

)

select * from departments_joined_to_offices
