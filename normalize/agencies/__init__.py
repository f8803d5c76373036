"""Agency mentions: splitting lead/support fields and normalizing them to canonical agencies.

    >>> from normalize.agencies import AgencyNormalizer, split_field
    >>> split_field("UBND Thành phố chỉ đạo (Phòng Tư pháp tham mưu)")
    ['UBND Thành phố', 'Phòng Tư pháp']
"""
from .gazetteer import Body, Gazetteer
from .match import AgencyNormalizer, load_user_aliases
from .split import Piece, split_field, split_pieces

__all__ = ["AgencyNormalizer", "Body", "Gazetteer", "Piece", "load_user_aliases", "split_field", "split_pieces"]
