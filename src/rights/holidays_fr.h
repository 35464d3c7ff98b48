// French public holidays (jours fériés, Code du travail L3133-1) as they apply in metropolitan
// France outside Alsace-Moselle: 1 January, Easter Monday, 1 May, 8 May, Ascension, Whit Monday,
// 14 July, 15 August, 1 November, 11 November, 25 December. Pure; thread safe.
#pragma once

#include "core/clock.h"

namespace charter::rights {

// Easter Sunday (Gregorian computus) of year y.
Date easter_sunday(int y);
bool is_french_public_holiday(Date d);
bool is_weekend(Date d);
bool is_working_day(Date d);

}  // namespace charter::rights
