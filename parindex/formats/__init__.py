"""The portal's date formats, found through FORMAT_MODULE_PATH before Django's own (which give
what is not set here, numbers included). Django's Vietnamese date starts with "Ngày", so a
sentence saying "ngày %(date)s" read "ngày Ngày 30 tháng 6 năm 2025"; the day comes first in
English too, as the ministry writes it: "30 June 2025"."""
