"""The rollout plan file: its schema (pydantic, exported as JSON Schema). Pure."""

from __future__ import annotations

import datetime as dt
import re
from typing import Literal

from pydantic import BaseModel, ConfigDict, Field, field_validator, model_validator

_ID = r"^[A-Za-z0-9@][A-Za-z0-9@._:/-]{0,119}$"


class _Strict(BaseModel):
    model_config = ConfigDict(extra="forbid", populate_by_name=True)


class CampaignSpec(_Strict):
    name: str = Field(min_length=1, max_length=200)
    slug: str = Field(pattern=r"^[a-z0-9][a-z0-9-]{1,79}$")
    timezone: str = Field(default="Europe/London", description="IANA time zone")


class VersionSpec(_Strict):
    master: str = Field(min_length=1, description="master file, relative to the plan file")
    label: str = ""
    focal: tuple[float, float] = Field(default=(0.5, 0.5), description="X,Y in 0..1")
    keep: tuple[float, float, float, float] | None = Field(
        default=None, description="region X0,Y0,X1,Y1 in 0..1 that must stay visible"
    )


class ArtworkSpec(_Strict):
    id: str = Field(pattern=r"^[a-z0-9][a-z0-9-]{0,79}$")
    title: str = Field(min_length=1)
    master: str | None = Field(default=None, description="shorthand for one version")
    label: str = ""
    focal: tuple[float, float] = (0.5, 0.5)
    keep: tuple[float, float, float, float] | None = None
    versions: list[VersionSpec] | None = Field(default=None, min_length=1)

    @model_validator(mode="after")
    def _one_source(self) -> ArtworkSpec:
        if (self.master is None) == (self.versions is None):
            raise ValueError("give either master or versions")
        return self

    def all_versions(self) -> list[VersionSpec]:
        if self.versions is not None:
            return self.versions
        assert self.master is not None
        return [VersionSpec(master=self.master, label=self.label, focal=self.focal, keep=self.keep)]


class PhaseSpec(_Strict):
    id: str = Field(pattern=r"^[a-z0-9][a-z0-9-]{0,79}$")
    name: str = ""
    start: dt.date
    end: dt.date


class SiteSpec(_Strict):
    id: str = Field(pattern=_ID, description="frame id (e.g. SPACE), title code or @handle")
    kind: Literal["frame", "press", "account"]
    format: str | None = Field(default=None, description="the format this frame takes")
    media_owner: str = ""
    address: str = ""
    network: Literal["x", "webhook", "outbox"] | None = Field(
        default=None, description="for accounts: where posts go"
    )


class BookingSpec(_Strict):
    """Out-of-home or press: an artwork on sites for a flight."""

    id: str | None = Field(default=None, pattern=r"^[a-z0-9][a-z0-9-]{0,79}$")
    phase: str | None = None
    artwork: str
    version: int | None = Field(default=None, ge=1, description="default: the latest")
    format: str
    sites: list[str] = Field(min_length=1)
    start: dt.date | None = Field(default=None, description="default: the phase's start")
    end: dt.date | None = Field(default=None, description="default: the phase's end")


class PostSpec(_Strict):
    """A social post at a local time, or a recurrence with an end."""

    id: str | None = Field(default=None, pattern=r"^[a-z0-9][a-z0-9-]{0,79}$")
    phase: str | None = None
    account: str
    artwork: str
    version: int | None = Field(default=None, ge=1)
    format: str = "x-landscape"
    text: str = Field(min_length=1)
    alt: str = Field(default="", max_length=1000, description="alt text (X allows 1000)")
    at: dt.datetime | None = Field(default=None, description="local time, e.g. 2026-12-01 09:00")
    every: str | None = Field(default=None, description="daily, weekdays, weekends, mon,wed...")
    time: dt.time | None = Field(default=None, description="local time of a recurrence, e.g. 09:00")
    start: dt.date | None = Field(default=None, alias="from", description="first day of a run")
    until: dt.date | None = None
    count: int | None = Field(default=None, ge=1, le=1000)

    @field_validator("time", "at", mode="before")
    @classmethod
    def _pad_hour(cls, value: object) -> object:
        # People write 9:00; ISO wants 09:00.
        if isinstance(value, str):
            return re.sub(r"(^|[ T])(\d):(\d\d)", r"\g<1>0\2:\3", value.strip())
        return value

    @model_validator(mode="after")
    def _when(self) -> PostSpec:
        if self.at is not None:
            if self.every or self.time or self.until or self.count:
                raise ValueError("give either at, or every/time with until or count")
            if self.at.tzinfo is not None:
                raise ValueError("at is a local time in the campaign's zone: drop the offset")
            return self
        if not self.every or self.time is None or self.start is None:
            raise ValueError("give at, or every, time and from (with until or count)")
        if (self.until is None) == (self.count is None):
            raise ValueError("a recurrence needs exactly one end: until or count")
        return self


class Plan(_Strict):
    """A campaign's rollout: artworks, phases, sites, bookings and posts."""

    campaign: CampaignSpec
    artworks: list[ArtworkSpec] = Field(min_length=1)
    phases: list[PhaseSpec] = []
    sites: list[SiteSpec] = []
    placements: list[BookingSpec] = Field(default=[], description="out-of-home and press")
    posts: list[PostSpec] = []


def json_schema() -> dict[str, object]:
    """Return the plan file's JSON Schema (``campaign plan schema``)."""
    schema = Plan.model_json_schema(by_alias=True)
    schema["$schema"] = "https://json-schema.org/draft/2020-12/schema"
    schema["title"] = "Campaign rollout plan"
    return schema
