"""The customer portal (Личный кабинет клиента, issue 19): pages under /portal, the API under
/api/portal. Every read and write of a portal user goes through `scope.PortalScope`."""
