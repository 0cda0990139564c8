"""Классификаторы under /api/v1/classifiers/{slug}: everyone reads, administrators write.

One set of routes per classifier (list, get, create, patch, delete = soft, restore), generated
from `domain.classifiers.SPECS` with each classifier's own schemas so OpenAPI shows them.
"""
# No `from __future__ import annotations`: the generated routes annotate with local classes.

from typing import Annotated, Any

from fastapi import APIRouter, Query, status

from operational_app.api.deps import (
    IdFilter,
    IdPath,
    Limit,
    Offset,
    SearchText,
    SessionDep,
    require_role,
)
from operational_app.api.engagement_schemas import (
    CLASSIFIER_SCHEMAS,
    SalesStageAdminPublic,
    Sort,
    StageReorder,
)
from operational_app.api.schemas import Paged, Version
from operational_app.domain import classifiers as service

router = APIRouter(tags=["classifiers (admin)"])
ADMIN = [require_role("administrator")]
VersionQuery = Annotated[Version | None, Query()]

# Per classifier: its 1C name and the rules its writes, deletes and restores add to the common
# ones (`text.required`, `classifier.name_taken`, `classifier.name_too_long`, `stale_version`).
_TERMS: dict[str, tuple[str, str, str, str]] = {
    "deal-kinds": (
        "Виды сделок: a kind with stages (has_stages) runs its deals through sales stages.",
        "`has_stages` cannot change while the kind has open deals "
        "(`deal_kind.process_change_with_open_deals`).",
        "Refused while open deals are of this kind (`deal_kind.in_use`).",
        "",
    ),
    "sales-stages": (
        "Этапы продаж: the stages of one deal kind; the last in `sequence` is the final one.",
        "Only for a kind with stages (`sales_stage.non_process_kind`); the kind cannot change "
        "(`sales_stage.kind_fixed`); `sequence` is unique within the kind "
        "(`sales_stage.sequence_taken`, `sales_stage.sequence_range`); without one the stage "
        "goes last.",
        "Refused while open deals sit on the stage (`sales_stage.in_use`).",
        "Refused while its deal kind is deleted (`sales_stage.kind_deleted`).",
    ),
    "partner-roles": (
        "Роли партнёров: the roles a partner plays for us, several per partner.",
        "",
        "",
        "",
    ),
    "contact-roles": ("Роли контактных лиц: what a contact person is for.", "", "", ""),
    "loss-reasons": ("Причины проигрыша сделок: chosen when a deal is lost.", "", "", ""),
    "return-reasons": ("Причины возврата: chosen on a return request.", "", "", ""),
    "claim-reasons": (
        "Причины претензий: a two-level tree (group / sub-reason) via `parent_id`.",
        "A parent may not be the entry itself or below it (`claim_reason.cycle`).",
        "Refused while live sub-reasons remain (`claim_reason.has_children`).",
        "Refused while its parent is deleted (`claim_reason.parent_deleted`).",
    ),
    "interaction-topics": (
        "Темы взаимодействий: the topics interactions are filed under.",
        "",
        "",
        "",
    ),
    "business-regions": (
        "Бизнес-регионы: sales regions of partners, warehouses and departments.",
        "`code` is at most 20 characters (`classifier.code_too_long`).",
        "",
        "",
    ),
    "marketing-events": (
        "Маркетинговые мероприятия: events interactions can be about.",
        "`ends_on` may not precede `starts_on` (`marketing_event.dates_order`).",
        "",
        "",
    ),
    "departments": (
        "Структура предприятия: departments as a tree via `parent_id`, with a head user.",
        "A parent may not be the entry itself or below it (`department.cycle`); the head cannot "
        "be a portal user (`department.head_customer`).",
        "Refused while sub-departments or people remain in it (`department.in_use`).",
        "Refused while its parent is deleted (`department.parent_deleted`).",
    ),
}


def _doc(*parts: str) -> str:
    return "\n\n".join(part for part in parts if part)


@router.post(
    "/classifiers/sales-stages/reorder",
    response_model=list[SalesStageAdminPublic],
    dependencies=ADMIN,
)
def reorder_stages(session: SessionDep, body: StageReorder) -> Any:
    """Put the live stages of a deal kind in the given order; the last is the final stage.

    `stage_ids` must be exactly the kind's live stages (`sales_stage.reorder_mismatch`). The
    stages keep the sequence numbers they hold, permuted. Administrators only."""
    stages = service.reorder_stages(session, body.deal_kind_id, body.stage_ids)
    session.commit()
    return stages


ADMIN_ONLY = "Administrators only (403 otherwise)."


def _register(key: str) -> None:
    """The six operations of one classifier, in the order the docs list them."""
    _register_reads(key)
    _register_writes(key)
    _register_deletion(key)


def _register_reads(key: str) -> None:
    public_schema = CLASSIFIER_SCHEMAS[key][2]
    base = f"/classifiers/{key}"
    tag = [f"classifier: {key}"]
    term = _TERMS[key][0]

    @router.get(
        base,
        response_model=Paged[public_schema],
        tags=tag,
        name=f"list {key}",
        description=_doc(
            f"List {key}. {term}",
            "`q` matches the name; deleted entries only with `include_deleted`. `deal_kind_id` "
            "and `parent_id` filter where the classifier has them; `sort` names a column "
            "(`-` for descending).",
        ),
    )
    def list_entries(
        session: SessionDep,
        q: SearchText = None,
        include_deleted: bool = False,
        deal_kind_id: IdFilter = None,
        parent_id: IdFilter = None,
        sort: Annotated[Sort, Query()] = None,
        limit: Limit = 50,
        offset: Offset = 0,
    ) -> Any:
        page = service.list_entries(
            session,
            key,
            q=q,
            include_deleted=include_deleted,
            deal_kind_id=deal_kind_id,
            parent_id=parent_id,
            sort=sort,
            limit=limit,
            offset=offset,
        )
        return {"items": list(page.items), "total": page.total}

    @router.get(
        f"{base}/{{entry_id}}",
        response_model=public_schema,
        tags=tag,
        name=f"get {key}",
        description=_doc(f"Read one entry of {key}, deleted or not. {term}"),
    )
    def get_entry(session: SessionDep, entry_id: IdPath) -> Any:
        return service.get_entry(session, key, entry_id, include_deleted=True)


def _register_writes(key: str) -> None:
    create_schema, update_schema, public_schema = CLASSIFIER_SCHEMAS[key]
    base = f"/classifiers/{key}"
    tag = [f"classifier: {key}"]
    term, write_rules, _, _ = _TERMS[key]
    unique = (
        "Names are unique (`classifier.name_taken`). " if service.SPECS[key].unique_name else ""
    )

    @router.post(
        base,
        response_model=public_schema,
        status_code=status.HTTP_201_CREATED,
        dependencies=ADMIN,
        tags=tag,
        name=f"create {key}",
        description=_doc(
            f"Create an entry of {key}. {term}",
            unique + write_rules,
            ADMIN_ONLY,
        ),
    )
    def create_entry(session: SessionDep, body: create_schema) -> Any:  # type: ignore[valid-type]
        entry = service.create_entry(session, key, body.model_dump())
        session.commit()
        return entry

    @router.patch(
        f"{base}/{{entry_id}}",
        response_model=public_schema,
        dependencies=ADMIN,
        tags=tag,
        name=f"update {key}",
        description=_doc(
            f"Change an entry of {key} (PATCH). {term}",
            "The rules of create apply; send the `version` you read (409 `stale_version`). "
            + write_rules,
            ADMIN_ONLY,
        ),
    )
    def update_entry(session: SessionDep, entry_id: IdPath, body: update_schema) -> Any:  # type: ignore[valid-type]
        entry = service.get_entry(session, key, entry_id)
        service.update_entry(session, key, entry, body.changes(), expected_version=body.version)
        session.commit()
        return entry


def _register_deletion(key: str) -> None:
    public_schema = CLASSIFIER_SCHEMAS[key][2]
    base = f"/classifiers/{key}"
    tag = [f"classifier: {key}"]
    term, _, delete_rules, restore_rules = _TERMS[key]

    @router.delete(
        f"{base}/{{entry_id}}",
        response_model=public_schema,
        dependencies=ADMIN,
        tags=tag,
        name=f"delete {key}",
        description=_doc(
            f"Mark an entry of {key} deleted (пометка удаления); documents keep it. {term}",
            delete_rules,
            "`?version=` refuses the delete when the entry changed (409 `stale_version`).",
            ADMIN_ONLY,
        ),
    )
    def delete_entry(session: SessionDep, entry_id: IdPath, version: VersionQuery = None) -> Any:
        entry = service.get_entry(session, key, entry_id)
        service.delete_entry(session, key, entry, expected_version=version)
        session.commit()
        return entry

    @router.post(
        f"{base}/{{entry_id}}/restore",
        response_model=public_schema,
        dependencies=ADMIN,
        tags=tag,
        name=f"restore {key}",
        description=_doc(
            f"Restore a deleted entry of {key} (снять пометку удаления). {term}",
            restore_rules,
            ADMIN_ONLY,
        ),
    )
    def restore_entry(session: SessionDep, entry_id: IdPath, version: VersionQuery = None) -> Any:
        entry = service.get_entry(session, key, entry_id, include_deleted=True)
        service.restore_entry(session, key, entry, expected_version=version)
        session.commit()
        return entry


for _key in service.SPECS:
    _register(_key)
