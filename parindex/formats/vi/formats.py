# 30 tháng 6 năm 2025: the sentence around the date says "ngày" when it needs to.
DATE_FORMAT = r"j \t\há\n\g n \nă\m Y"
DATETIME_FORMAT = r"H:i, j \t\há\n\g n \nă\m Y"
YEAR_MONTH_FORMAT = r"\t\há\n\g n \nă\m Y"
MONTH_DAY_FORMAT = r"j \t\há\n\g n"
# Thousands in groups of three where a count asks for them (public/templatetags/numbers.py).
NUMBER_GROUPING = 3
