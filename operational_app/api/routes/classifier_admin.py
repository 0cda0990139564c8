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


@router.post(
    "/classifiers/sales-stages/reorder",
    response_model=list[SalesStageAdminPublic],
    dependencies=ADMIN,
)
def reorder_stages(session: SessionDep, body: StageReorder) -> Any:
    """Put the live stages of a deal kind in the given order; the last is the final stage."""
    stages = service.reorder_stages(session, body.deal_kind_id, body.stage_ids)
    session.commit()
    return stages


def _register(key: str) -> None:
    create_schema, update_schema, public_schema = CLASSIFIER_SCHEMAS[key]
    base = f"/classifiers/{key}"
    tag = [f"classifier: {key}"]

    @router.get(base, response_model=Paged[public_schema], tags=tag, name=f"list {key}")
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

    @router.get(f"{base}/{{entry_id}}", response_model=public_schema, tags=tag, name=f"get {key}")
    def get_entry(session: SessionDep, entry_id: IdPath) -> Any:
        return service.get_entry(session, key, entry_id, include_deleted=True)

    @router.post(
        base,
        response_model=public_schema,
        status_code=status.HTTP_201_CREATED,
        dependencies=ADMIN,
        tags=tag,
        name=f"create {key}",
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
    )
    def update_entry(session: SessionDep, entry_id: IdPath, body: update_schema) -> Any:  # type: ignore[valid-type]
        entry = service.get_entry(session, key, entry_id)
        service.update_entry(session, key, entry, body.changes(), expected_version=body.version)
        session.commit()
        return entry

    @router.delete(
        f"{base}/{{entry_id}}",
        response_model=public_schema,
        dependencies=ADMIN,
        tags=tag,
        name=f"delete {key}",
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
    )
    def restore_entry(session: SessionDep, entry_id: IdPath, version: VersionQuery = None) -> Any:
        entry = service.get_entry(session, key, entry_id, include_deleted=True)
        service.restore_entry(session, key, entry, expected_version=version)
        session.commit()
        return entry


for _key in service.SPECS:
    _register(_key)
