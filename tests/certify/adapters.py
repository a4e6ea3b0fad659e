"""Systems under test for the certification tests."""

from caaad.reference_impl.adapter import ReferenceAdapter

ALL_ROLES = ["platform", "merchant", "live_room_operator", "anchor"]


class ReferenceAllRoles(ReferenceAdapter):
    """The reference system declaring every role of the standard. The reference system declares platform and
    merchant only, and a certificate is issued only for a role the system declares; the suite's scenarios do
    not read the roles, so this is the same system, certifiable for live_room_operator and anchor too."""

    def describe(self, request):
        return {**super().describe(request), "roles": ALL_ROLES}
