"""What an exported image says about itself: XMP, PNG text chunks, EXIF, and a JSON sidecar.

Only facts about the picture go in: never the API key (it is nowhere near a draft record) and
never a local path (the record's path and thumb_path are left out on purpose)."""

from __future__ import annotations

import datetime as dt
import json
from dataclasses import dataclass
from typing import Any
from xml.sax.saxutils import escape, quoteattr

from PIL import Image, PngImagePlugin

from studio import __version__
from studio.core.domain import Flag
from studio.core.library import DraftRecord

CREATOR_TOOL = f"Draft Studio {__version__}"
TRAINED_ALGORITHMIC_MEDIA = "http://cv.iptc.org/newscodes/digitalsourcetype/trainedAlgorithmicMedia"
# Our own namespace for what no standard schema has a field for (model, seed, aspect…);
# exiftool shows it as XMP-ds:*. The URI only has to be unique, not to resolve.
DS_NAMESPACE = "https://ns.draft-studio.app/xmp/1.0/"
PNG_XMP_KEY = "XML:com.adobe.xmp"

_EXIF_IMAGE_DESCRIPTION = 0x010E
_EXIF_SOFTWARE = 0x0131
_EXIF_DATETIME = 0x0132
_EXIF_IFD = 0x8769
_EXIF_DATETIME_ORIGINAL = 0x9003


@dataclass(frozen=True, slots=True)
class DraftFacts:
    """The exportable facts of one draft, small and picklable for worker processes."""

    id: int
    prompt: str
    model: str
    seed: int
    aspect: str
    size: str
    generated_at: float
    flag: str
    rating: int

    @classmethod
    def of(cls, draft: DraftRecord) -> DraftFacts:
        return cls(
            id=draft.id,
            prompt=draft.prompt,
            model=draft.model,
            seed=draft.seed,
            aspect=draft.aspect,
            size=draft.size,
            generated_at=draft.finished_at or draft.created_at,
            flag=draft.flag.value,
            rating=draft.rating,
        )

    @property
    def xmp_rating(self) -> int:
        """XMP's convention: -1 marks a reject, 0 is unrated, 1..5 stars."""
        return -1 if self.flag == Flag.REJECT else self.rating

    @property
    def local_time(self) -> dt.datetime:
        return dt.datetime.fromtimestamp(self.generated_at).astimezone()


def xmp_packet(facts: DraftFacts) -> bytes:
    when = facts.local_time.isoformat(timespec="seconds")
    attributes = {
        "xmp:CreatorTool": CREATOR_TOOL,
        "xmp:CreateDate": when,
        "xmp:Rating": str(facts.xmp_rating),
        "Iptc4xmpExt:DigitalSourceType": TRAINED_ALGORITHMIC_MEDIA,
        "ds:Model": facts.model,
        "ds:Seed": str(facts.seed),
        "ds:AspectRatio": facts.aspect,
        "ds:SizeTier": facts.size,
        "ds:Flag": facts.flag,
        "ds:Stars": str(facts.rating),
    }
    rendered = "\n".join(f"    {name}={quoteattr(value)}" for name, value in attributes.items())
    packet = f"""<?xpacket begin="\ufeff" id="W5M0MpCehiHzreSzNTczkc9d"?>
<x:xmpmeta xmlns:x="adobe:ns:meta/">
 <rdf:RDF xmlns:rdf="http://www.w3.org/1999/02/22-rdf-syntax-ns#">
  <rdf:Description rdf:about=""
    xmlns:dc="http://purl.org/dc/elements/1.1/"
    xmlns:xmp="http://ns.adobe.com/xap/1.0/"
    xmlns:Iptc4xmpExt="http://iptc.org/std/Iptc4xmpExt/2008-02-29/"
    xmlns:ds="{DS_NAMESPACE}"
{rendered}>
   <dc:description>
    <rdf:Alt>
     <rdf:li xml:lang="x-default">{escape(facts.prompt)}</rdf:li>
    </rdf:Alt>
   </dc:description>
  </rdf:Description>
 </rdf:RDF>
</x:xmpmeta>
<?xpacket end="w"?>"""
    return packet.encode("utf-8")


def exif_bytes(facts: DraftFacts) -> bytes:
    """EXIF for JPEG and WebP: ImageDescription (the prompt), Software and the capture time."""
    exif = Image.Exif()
    stamp = facts.local_time.strftime("%Y:%m:%d %H:%M:%S")
    # Bytes, not str: Pillow encodes a str as ASCII and turns every other character into '?',
    # while bytes go in as they are (Pillow adds the NUL). Readers such as exiftool take UTF-8
    # in this nominally ASCII field.
    exif[_EXIF_IMAGE_DESCRIPTION] = facts.prompt.encode("utf-8")
    exif[_EXIF_SOFTWARE] = CREATOR_TOOL
    exif[_EXIF_DATETIME] = stamp
    exif.get_ifd(_EXIF_IFD)[_EXIF_DATETIME_ORIGINAL] = stamp
    return exif.tobytes()


def png_info(facts: DraftFacts, xmp: bytes) -> PngImagePlugin.PngInfo:
    """iTXt (UTF-8) chunks under the PNG spec's keywords, plus the XMP packet."""
    info = PngImagePlugin.PngInfo()
    info.add_itxt("Description", facts.prompt)
    info.add_itxt("Software", CREATOR_TOOL)
    info.add_itxt("Creation Time", facts.local_time.isoformat(timespec="seconds"))
    info.add_itxt("Source", facts.model)
    info.add_itxt(
        "Comment",
        f"seed {facts.seed}, aspect {facts.aspect}, size {facts.size}, "
        f"flag {facts.flag}, rating {facts.rating}",
    )
    info.add_itxt(PNG_XMP_KEY, xmp.decode("utf-8"))
    return info


def sidecar_json(facts: DraftFacts, exported_format: str) -> bytes:
    data: dict[str, Any] = {
        "id": facts.id,
        "prompt": facts.prompt,
        "model": facts.model,
        "seed": facts.seed,
        "aspect": facts.aspect,
        "size": facts.size,
        "generated_at": facts.local_time.isoformat(timespec="seconds"),
        "flag": facts.flag,
        "rating": facts.rating,
        "format": exported_format,
        "creator_tool": CREATOR_TOOL,
        "digital_source_type": TRAINED_ALGORITHMIC_MEDIA,
    }
    return (json.dumps(data, indent=2, ensure_ascii=False) + "\n").encode("utf-8")
