#pragma once

// The order in which a ReplicaSet gives up pods when scaling down: first the pods that cost
// least to lose. Unscheduled before scheduled; Pending before Unknown before Running; not
// ready before ready; ready for a shorter time before longer; more restarts before fewer;
// newer before older.

#include <vector>

#include "core/client/client.h"

namespace skiff::controllers {

// True when a should be deleted before b.
bool DeleteBefore(const client::Object& a, const client::Object& b);
// Sorts pods so that the first ones are the ones to delete.
void SortForDeletion(std::vector<client::ObjectPtr>& pods);

}  // namespace skiff::controllers
