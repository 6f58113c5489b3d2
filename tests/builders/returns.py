"""Return files built to be messy, as partners really send them."""

from __future__ import annotations

from datetime import date, datetime, timedelta
from pathlib import Path

import openpyxl

FUTURE = date.today() + timedelta(days=60)  # after any fixed test day and after the real today
HEADER = ["Event ID", "event_date", "Event-Type", "title", "organiser", "locality",
          "meeting_place", "coproduced", "carers_attending", "young_carers_attending"]

def messy_events(path: Path) -> Path:
    """Title rows, a blank row, a total row, text and Excel dates, stray spaces, Y/No, n/a,
    and one row for each rule: negative count, unknown type, duplicate id, future date."""
    book = openpyxl.Workbook()
    sheet = book.active
    sheet.title = "Events 2025"
    sheet.append(["Crossroads Care Rotherham: events return"])          # row 1
    sheet.append(["Period: April to November 2025"])                     # row 2
    sheet.append([])                                                     # row 3
    sheet.append(HEADER)                                                 # row 4
    rows = [
        ["CW-01", "09/06/2025", "Carers Week", "Coffee morning ", "crossroads", "Central",
         " Rotherham Minster ", "Y", "42", "n/a"],                        # 5 good (text date)
        ["CW-02", datetime(2025, 6, 10), "carers_week", "Walk", "crossroads", "Wath",
         "Wath Park", "No", 17, None],                                   # 6 good (Excel date)
        ["CW-03", "11/06/2025", "carers_week", "Quiz", "crossroads", "Maltby",
         "Maltby Library", "yes", "-3", None],                           # 7 negative count
        ["CW-04", "12/06/2025", "garden party", "Garden party", "crossroads", "Central",
         "Clifton Park", "yes", "30", None],                             # 8 unknown type
        ["CW-01", "13/06/2025", "carers_week", "Repeat id", "crossroads", "Central",
         "Rotherham Minster", "yes", "12", None],                        # 9 duplicate id
        [None] * len(HEADER),                                            # 10 blank
        ["NM-12", FUTURE.strftime("%d/%m/%Y"), "network_meeting", "Network", "crossroads",
         "Borough-wide", "online", "yes", "25", None],                  # 11 future date
        ["Total", None, None, None, None, None, None, None, "123", None], # 12 total row
    ]
    for row in rows:
        sheet.append(row)
    book.save(path)
    return path
