import unicodedata


def nfc(value: str) -> str:
    return unicodedata.normalize("NFC", value or "")


def fold(value: str) -> str:
    """Lowercase without diacritics, for search: "Thanh niên Điện Biên" -> "thanh nien dien bien".

    NFD splits most marks off their letters; đ/Đ is a letter of its own and is mapped by hand.
    """
    decomposed = unicodedata.normalize("NFD", (value or "").replace("đ", "d").replace("Đ", "D"))
    return "".join(ch for ch in decomposed if not unicodedata.combining(ch)).lower()
