# ruff: noqa: E501
"""The topics of the suggestions evaluation set: one helpdesk problem each, es and en.

Every topic has a knowledge article in each language, a resolved ticket in each language
(subject, body, resolution note) and paraphrased questions a customer might write about the
same problem. The paraphrases deliberately share few words with the article and the ticket,
so that a purely lexical match misses them; ``suggest_data.py`` adds accent-less and typo
variants of every question.
"""

from __future__ import annotations

# (key, es article (title, body), en article, es ticket (subject, body, note),
#  en ticket, es paraphrases, en paraphrases)
TOPICS: list[dict[str, object]] = [
    {
        "key": "password",
        "a_es": (
            "Cómo restablecer la contraseña",
            "Si olvidó su contraseña, pulse «¿Olvidó la contraseña?» en la pantalla de inicio de sesión. Recibirá un correo con un enlace válido durante una hora para elegir una contraseña nueva.",
        ),
        "a_en": (
            "How to reset your password",
            "If you forgot your password, click “Forgot password?” on the sign-in screen. You will receive an email with a link valid for one hour to choose a new password.",
        ),
        "t_es": (
            "No recuerdo mi contraseña",
            "He olvidado la contraseña y no puedo entrar en la aplicación.",
            "Se envió el enlace de restablecimiento; el cliente eligió una contraseña nueva.",
        ),
        "t_en": (
            "Forgot my password",
            "I forgot my password and cannot get into the app.",
            "Sent the reset link; the customer set a new password.",
        ),
        "q_es": [
            "Se me ha olvidado la clave de acceso y no sé cómo cambiarla",
            "¿Dónde genero una clave nueva si ya no me acuerdo de la anterior?",
            "Necesito recuperar la clave para volver a entrar",
        ],
        "q_en": [
            "I can't remember the passphrase I use to log on",
            "How do I get a new login secret, the old one slipped my mind",
            "Need to recover my credentials to get back in",
        ],
    },
    {
        "key": "2fa",
        "a_es": (
            "Perdí el móvil con la verificación en dos pasos",
            "Si ya no tiene el teléfono con la aplicación de autenticación, use uno de los códigos de recuperación que guardó al activar la verificación en dos pasos. Sin códigos, el administrador de su empresa puede desactivarla.",
        ),
        "a_en": (
            "Lost the phone with two-factor authentication",
            "If you no longer have the phone with the authenticator app, use one of the recovery codes you saved when enabling two-factor authentication. Without codes, your company administrator can disable it.",
        ),
        "t_es": (
            "Verificación en dos pasos sin teléfono",
            "Me robaron el móvil y la app de autenticación estaba ahí, no puedo completar la verificación en dos pasos.",
            "El administrador desactivó la verificación en dos pasos y el cliente la volvió a configurar en su móvil nuevo.",
        ),
        "t_en": (
            "2FA without my phone",
            "My phone was stolen and it had the authenticator app, I can't complete two-factor authentication.",
            "The administrator disabled 2FA and the customer enrolled the new phone.",
        ),
        "q_es": [
            "Cambié de smartphone y ya no me llegan los códigos de seguridad para entrar",
            "El teléfono se me rompió y la app que genera los números de seis cifras se perdió",
            "No consigo pasar el segundo factor porque no tengo el aparato",
        ],
        "q_en": [
            "New handset, the six digit codes app is gone and I'm stuck at sign in",
            "My mobile broke and I no longer get the security codes",
            "Stuck at the second factor step, device is lost",
        ],
    },
    {
        "key": "invoice_amount",
        "a_es": (
            "Mi factura tiene un importe incorrecto",
            "Si el importe de una factura no coincide con su plan, compruebe si incluye usuarios añadidos a mitad de mes (se prorratean). Si sigue siendo incorrecto, responda a este correo y emitiremos una factura rectificativa.",
        ),
        "a_en": (
            "My invoice shows the wrong amount",
            "If an invoice amount does not match your plan, check whether it includes users added mid-month (they are prorated). If it is still wrong, reply and we will issue a corrected invoice.",
        ),
        "t_es": (
            "Importe de la factura de marzo incorrecto",
            "La factura de marzo tiene un importe mayor que el de nuestro plan.",
            "Eran dos usuarios prorrateados; se explicó el cálculo y se emitió una factura rectificativa.",
        ),
        "t_en": (
            "Invoice amount is wrong",
            "The March invoice is higher than our plan price.",
            "Two prorated users; explained the calculation and issued a corrected invoice.",
        ),
        "q_es": [
            "Nos han cobrado más de lo que cuesta la suscripción este mes",
            "El recibo que nos pasasteis no cuadra con la tarifa contratada",
            "¿Por qué pagamos más de lo acordado en el último cargo?",
        ],
        "q_en": [
            "We were billed more than our subscription costs this month",
            "The charge on the latest statement doesn't match what we signed up for",
            "Why is last month's bill higher than the agreed price?",
        ],
    },
    {
        "key": "refund",
        "a_es": (
            "Solicitar un reembolso",
            "Puede pedir el reembolso de un pago en los 14 días siguientes a la compra. Indíquenos el número de pedido; el dinero vuelve a la misma tarjeta en 5 a 10 días hábiles.",
        ),
        "a_en": (
            "Requesting a refund",
            "You can request a refund within 14 days of purchase. Tell us the order number; the money returns to the same card within 5 to 10 business days.",
        ),
        "t_es": (
            "Quiero la devolución del dinero",
            "Compré el plan anual por error y quiero que me devuelvan el dinero.",
            "Reembolso aprobado dentro del plazo de 14 días; abonado en la tarjeta original.",
        ),
        "t_en": (
            "Refund please",
            "I bought the annual plan by mistake and want my money back.",
            "Refund approved within the 14-day window; credited to the original card.",
        ),
        "q_es": [
            "Me equivoqué al comprar y quisiera recuperar lo pagado",
            "¿Podéis abonarme el cargo? No pienso usar el servicio",
            "Pagué dos veces lo mismo, ¿me lo retornáis?",
        ],
        "q_en": [
            "Purchased by accident, can I get the payment returned?",
            "Please reverse the charge, we won't use the service",
            "I was charged twice, can you give it back?",
        ],
    },
    {
        "key": "shipping_delay",
        "a_es": (
            "Mi pedido no ha llegado",
            "Los envíos tardan de 3 a 5 días laborables. Consulte el número de seguimiento en el correo de confirmación; si pasan 10 días sin movimiento abriremos una reclamación con el transportista.",
        ),
        "a_en": (
            "My order has not arrived",
            "Shipping takes 3 to 5 working days. Check the tracking number in the confirmation email; after 10 days without movement we open a claim with the carrier.",
        ),
        "t_es": (
            "Pedido sin entregar",
            "Hice un pedido hace dos semanas y todavía no ha llegado.",
            "El transportista lo había retenido en el almacén; se reenvió y llegó al día siguiente.",
        ),
        "t_en": (
            "Order not delivered",
            "I placed an order two weeks ago and it still hasn't arrived.",
            "The carrier held it at the depot; it was re-sent and arrived the next day.",
        ),
        "q_es": [
            "El paquete sigue sin aparecer y ya hace días que lo compré",
            "¿Dónde está mi compra? El repartidor no ha venido",
            "Llevo esperando el envío mucho tiempo",
        ],
        "q_en": [
            "Still waiting for the parcel I bought ages ago",
            "Where is my package? The courier never showed up",
            "The delivery is very late, nothing came",
        ],
    },
    {
        "key": "damaged",
        "a_es": (
            "El producto llegó dañado",
            "Si el producto llega roto o defectuoso, envíenos una foto del daño y del embalaje en las 48 horas siguientes a la entrega. Le enviaremos una unidad nueva sin coste.",
        ),
        "a_en": (
            "The product arrived damaged",
            "If the product arrives broken or defective, send us a photo of the damage and the packaging within 48 hours of delivery. We will send a new unit at no cost.",
        ),
        "t_es": (
            "Producto roto al recibirlo",
            "La caja venía aplastada y el producto está roto.",
            "Con las fotos se aprobó el cambio; se envió una unidad nueva.",
        ),
        "t_en": (
            "Item broken on arrival",
            "The box was crushed and the item is broken.",
            "Photos received; replacement unit shipped.",
        ),
        "q_es": [
            "Abrí la caja y la pantalla venía rajada",
            "Me ha llegado el aparato hecho pedazos",
            "El artículo no funciona nada más sacarlo, tiene un golpe",
        ],
        "q_en": [
            "Opened the box and the screen was cracked",
            "What I received is smashed to pieces",
            "The unit has a dent and doesn't power on out of the box",
        ],
    },
    {
        "key": "address",
        "a_es": (
            "Cambiar la dirección de entrega",
            "Puede cambiar la dirección de entrega desde «Mis pedidos» mientras el pedido no haya salido del almacén. Después, el cambio solo es posible con el transportista.",
        ),
        "a_en": (
            "Change the delivery address",
            "You can change the delivery address from “My orders” while the order has not left the warehouse. Afterwards, only the carrier can change it.",
        ),
        "t_es": (
            "Dirección de envío equivocada",
            "Puse mal la dirección de envío en el pedido.",
            "El pedido aún estaba en el almacén; se corrigió la dirección.",
        ),
        "t_en": (
            "Wrong shipping address",
            "I entered the wrong shipping address on my order.",
            "Order was still in the warehouse; address corrected.",
        ),
        "q_es": [
            "Me he mudado y quiero que lo manden a mi casa nueva",
            "¿Puedo modificar a dónde se envía lo que compré?",
            "Escribí mal la calle al comprar",
        ],
        "q_en": [
            "I moved house, please send it to my new place",
            "Can I update where my purchase gets sent?",
            "Typed the street wrong at checkout",
        ],
    },
    {
        "key": "cancel",
        "a_es": (
            "Cancelar la suscripción",
            "Para cancelar la suscripción vaya a Configuración → Facturación → Cancelar. Mantendrá el acceso hasta el final del periodo pagado y no se le volverá a cobrar.",
        ),
        "a_en": (
            "Cancel your subscription",
            "To cancel your subscription go to Settings → Billing → Cancel. You keep access until the end of the paid period and will not be charged again.",
        ),
        "t_es": (
            "Dar de baja la suscripción",
            "Queremos cancelar la suscripción a partir del mes que viene.",
            "Suscripción cancelada; acceso hasta fin de periodo.",
        ),
        "t_en": (
            "Cancel subscription",
            "We want to cancel our subscription from next month.",
            "Subscription cancelled; access until end of period.",
        ),
        "q_es": [
            "Ya no vamos a seguir con vosotros, ¿cómo paramos los cobros?",
            "Quiero darme de baja del servicio",
            "No renovéis mi plan, lo dejo",
        ],
        "q_en": [
            "We're leaving, how do we stop the recurring payments?",
            "I want to quit the service",
            "Don't renew my plan, I'm done",
        ],
    },
    {
        "key": "upgrade",
        "a_es": (
            "Cambiar a un plan superior",
            "Puede pasar a un plan superior en cualquier momento desde Configuración → Facturación. La diferencia se cobra prorrateada y las funciones nuevas se activan al instante.",
        ),
        "a_en": (
            "Upgrade to a higher plan",
            "You can upgrade at any time from Settings → Billing. The difference is charged prorated and new features are enabled immediately.",
        ),
        "t_es": (
            "Pasar al plan Empresa",
            "Necesitamos más usuarios, ¿cómo pasamos al plan Empresa?",
            "Se explicó el cambio de plan desde Facturación; el cliente lo hizo y se prorrateó.",
        ),
        "t_en": (
            "Move to Business plan",
            "We need more seats, how do we move to the Business plan?",
            "Explained the plan change in Billing; customer upgraded, prorated.",
        ),
        "q_es": [
            "Nos hemos quedado cortos de licencias, queremos ampliar",
            "¿Cómo contrato la modalidad con más prestaciones?",
            "Queremos mejorar nuestra tarifa",
        ],
        "q_en": [
            "We ran out of seats and want a bigger tier",
            "How do I buy the premium package with more features?",
            "Looking to move up to the next tier",
        ],
    },
    {
        "key": "export",
        "a_es": (
            "Exportar sus datos",
            "Desde Configuración → Datos → Exportar puede descargar todos sus registros en CSV. Para cuentas grandes, el archivo se prepara en segundo plano y le enviamos un enlace por correo.",
        ),
        "a_en": (
            "Export your data",
            "From Settings → Data → Export you can download all your records as CSV. For large accounts the file is prepared in the background and we email you a link.",
        ),
        "t_es": (
            "Exportar todo a CSV",
            "Necesito sacar todos nuestros registros a un CSV.",
            "Se indicó la ruta de exportación; el enlace llegó por correo.",
        ),
        "t_en": (
            "Export everything to CSV",
            "I need to get all our records out as a CSV.",
            "Pointed to the export page; link was emailed.",
        ),
        "q_es": [
            "Quiero descargar una copia de toda mi información en una hoja de cálculo",
            "¿Cómo me llevo la base de clientes a Excel?",
            "Necesito un volcado completo de lo que tenemos guardado",
        ],
        "q_en": [
            "I want to download a copy of all my information as a spreadsheet",
            "How can I take my customer list into Excel?",
            "Need a full dump of what we have stored",
        ],
    },
    {
        "key": "delete_account",
        "a_es": (
            "Eliminar la cuenta y los datos personales",
            "Puede solicitar la eliminación definitiva de su cuenta y de sus datos personales conforme al RGPD. Se borran en 30 días; las facturas se conservan el tiempo que exige la ley.",
        ),
        "a_en": (
            "Delete your account and personal data",
            "You can request permanent deletion of your account and personal data under the GDPR. They are erased within 30 days; invoices are kept as long as the law requires.",
        ),
        "t_es": (
            "Borrar mi cuenta",
            "Quiero que borréis mi cuenta y todos mis datos.",
            "Solicitud RGPD registrada; cuenta eliminada en 30 días.",
        ),
        "t_en": (
            "Delete my account",
            "Please delete my account and all my data.",
            "GDPR request logged; account erased within 30 days.",
        ),
        "q_es": [
            "Ejerzo mi derecho al olvido, quitad todo lo que tengáis de mí",
            "No quiero que guardéis mi información, eliminadla",
            "¿Cómo hago desaparecer mi perfil para siempre?",
        ],
        "q_en": [
            "Right to be forgotten: remove everything you hold about me",
            "I don't want you keeping my information, wipe it",
            "How do I make my profile disappear for good?",
        ],
    },
    {
        "key": "notifications",
        "a_es": (
            "No recibo los correos de aviso",
            "Si no le llegan los avisos por correo, revise la carpeta de spam y añada nuestra dirección a sus contactos. Compruebe también en Perfil → Notificaciones que estén activadas.",
        ),
        "a_en": (
            "I don't receive notification emails",
            "If notification emails don't reach you, check your spam folder and add our address to your contacts. Also check in Profile → Notifications that they are enabled.",
        ),
        "t_es": (
            "No llegan las notificaciones por correo",
            "Desde ayer no me llegan las notificaciones por correo.",
            "Estaban en la carpeta de spam; el cliente añadió la dirección a contactos.",
        ),
        "t_en": (
            "Notification emails not arriving",
            "Since yesterday I get no notification emails.",
            "They were in spam; customer whitelisted the address.",
        ),
        "q_es": [
            "Ya no me entero de nada, los mensajes automáticos no aparecen en mi bandeja",
            "Los avisos han dejado de llegarme",
            "¿Por qué no me escribís cuando hay novedades?",
        ],
        "q_en": [
            "The automatic alerts stopped showing up in my inbox",
            "I'm no longer told when something happens",
            "Why don't you mail me when there's an update?",
        ],
    },
    {
        "key": "crash",
        "a_es": (
            "La aplicación se cierra al abrirla",
            "Si la aplicación se cierra nada más abrirla, actualícela a la última versión y reinicie el dispositivo. Si el fallo continúa, borre la caché de la aplicación desde los ajustes del sistema.",
        ),
        "a_en": (
            "The app closes when opened",
            "If the app closes right after opening, update it to the latest version and restart the device. If it keeps failing, clear the app cache in the system settings.",
        ),
        "t_es": (
            "La app se cierra sola",
            "La aplicación se cierra sola en cuanto la abro en el móvil.",
            "Versión antigua; tras actualizar y borrar la caché funciona.",
        ),
        "t_en": (
            "App keeps closing",
            "The app closes by itself as soon as I open it on my phone.",
            "Old version; after updating and clearing the cache it works.",
        ),
        "q_es": [
            "Pulso el icono y se queda en blanco y desaparece",
            "El programa del teléfono revienta nada más arrancar",
            "No puedo usar la app porque se bloquea al iniciar",
        ],
        "q_en": [
            "I tap the icon, white screen, then it vanishes",
            "The mobile program blows up right at launch",
            "Can't use the app, it dies on startup",
        ],
    },
    {
        "key": "slow",
        "a_es": (
            "La plataforma va lenta",
            "Si las páginas tardan en cargar, pruebe otro navegador o desactive las extensiones. Consulte la página de estado del servicio por si hay una incidencia en curso.",
        ),
        "a_en": (
            "The platform is slow",
            "If pages take long to load, try another browser or disable extensions. Check the service status page in case there is an ongoing incident.",
        ),
        "t_es": (
            "Todo va muy lento",
            "Hoy la web tarda muchísimo en cargar cualquier página.",
            "Había una incidencia en el proveedor; resuelta a las 14:00.",
        ),
        "t_en": (
            "Everything is slow",
            "Today the site takes forever to load any page.",
            "Provider incident; resolved at 14:00.",
        ),
        "q_es": [
            "Cada pantalla tarda un minuto en mostrarse",
            "El panel responde a paso de tortuga",
            "Hoy cuesta horrores que aparezca algo",
        ],
        "q_en": [
            "Each screen needs a minute to show up",
            "The dashboard responds at a snail's pace",
            "It takes ages for anything to appear today",
        ],
    },
    {
        "key": "api_limit",
        "a_es": (
            "Límite de peticiones de la API",
            "La API admite 100 peticiones por minuto por clave. Si lo supera recibirá el código 429; espere el tiempo indicado en la cabecera Retry-After antes de reintentar.",
        ),
        "a_en": (
            "API rate limits",
            "The API accepts 100 requests per minute per key. Above that you receive status 429; wait for the time in the Retry-After header before retrying.",
        ),
        "t_es": (
            "Error 429 en la API",
            "Nuestra integración recibe errores 429 de la API.",
            "Superaban el límite por minuto; se les indicó respetar Retry-After.",
        ),
        "t_en": (
            "API returns 429",
            "Our integration gets 429 errors from the API.",
            "They exceeded the per-minute limit; advised to honour Retry-After.",
        ),
        "q_es": [
            "Nuestro script de sincronización recibe «demasiadas solicitudes»",
            "El servidor nos rechaza las llamadas cuando mandamos muchas seguidas",
            "¿Cuántas consultas por minuto podemos lanzar?",
        ],
        "q_en": [
            "Our sync script gets 'too many requests'",
            "The server refuses our calls when we send a burst",
            "How many calls per minute may we make?",
        ],
    },
    {
        "key": "calendar",
        "a_es": (
            "Conectar con Google Calendar u Outlook",
            "En Integraciones → Calendario puede conectar Google Calendar u Outlook. Las citas se sincronizan en ambos sentidos cada cinco minutos.",
        ),
        "a_en": (
            "Connect Google Calendar or Outlook",
            "In Integrations → Calendar you can connect Google Calendar or Outlook. Appointments sync both ways every five minutes.",
        ),
        "t_es": (
            "Sincronizar el calendario",
            "Las citas no aparecen en mi calendario de Outlook.",
            "La conexión había caducado; se reconectó la integración de calendario.",
        ),
        "t_en": (
            "Calendar sync",
            "Appointments don't show up in my Outlook calendar.",
            "Connection had expired; calendar integration reconnected.",
        ),
        "q_es": [
            "Las reuniones que creo no salen en mi agenda",
            "Quiero ver mis citas en la agenda del móvil",
            "La agenda no se actualiza con los eventos",
        ],
        "q_en": [
            "Meetings I create don't show in my schedule",
            "I want my bookings on my phone's agenda",
            "The schedule doesn't pick up the events",
        ],
    },
    {
        "key": "vat",
        "a_es": (
            "Añadir el NIF o CIF a las facturas",
            "Para que sus facturas incluyan el NIF o CIF, añádalo en Configuración → Facturación → Datos fiscales. Las facturas anteriores pueden reemitirse a petición.",
        ),
        "a_en": (
            "Add your VAT number to invoices",
            "To have your VAT number on invoices, add it in Settings → Billing → Tax details. Earlier invoices can be reissued on request.",
        ),
        "t_es": (
            "Factura sin NIF",
            "La factura no lleva nuestro CIF y la necesito para contabilidad.",
            "Se añadieron los datos fiscales y se reemitió la factura.",
        ),
        "t_en": (
            "Invoice without VAT number",
            "The invoice doesn't show our VAT number, accounting needs it.",
            "Tax details added and the invoice reissued.",
        ),
        "q_es": [
            "Mi gestor dice que al documento de cobro le falta la identificación fiscal",
            "¿Dónde pongo los datos de la empresa para hacienda?",
            "Necesito que conste nuestro número de identificación tributaria",
        ],
        "q_en": [
            "My accountant says the billing document lacks our tax ID",
            "Where do I put the company's tax registration details?",
            "Our tax identification must appear on the paperwork",
        ],
    },
    {
        "key": "card_declined",
        "a_es": (
            "Pago rechazado con tarjeta",
            "Si su tarjeta es rechazada, compruebe la fecha de caducidad y que su banco permita pagos en línea. Puede añadir otra tarjeta en Facturación → Métodos de pago.",
        ),
        "a_en": (
            "Card payment declined",
            "If your card is declined, check the expiry date and that your bank allows online payments. You can add another card in Billing → Payment methods.",
        ),
        "t_es": (
            "Tarjeta rechazada",
            "Al pagar me dice que la tarjeta ha sido rechazada.",
            "La tarjeta había caducado; el cliente añadió una nueva.",
        ),
        "t_en": (
            "Card declined",
            "When paying it says my card was declined.",
            "Card had expired; customer added a new one.",
        ),
        "q_es": [
            "El cobro no pasa, el banco no lo autoriza",
            "No me deja abonar la cuota con mi Visa",
            "Intento pagar y sale un error de la entidad",
        ],
        "q_en": [
            "The charge won't go through, my bank doesn't authorise it",
            "It won't let me pay the fee with my Visa",
            "Trying to pay and the bank shows an error",
        ],
    },
    {
        "key": "locked",
        "a_es": (
            "Cuenta bloqueada por intentos fallidos",
            "Tras cinco intentos de inicio de sesión fallidos la cuenta se bloquea 15 minutos. Espere y vuelva a intentarlo, o restablezca la contraseña.",
        ),
        "a_en": (
            "Account locked after failed attempts",
            "After five failed sign-in attempts the account is locked for 15 minutes. Wait and try again, or reset your password.",
        ),
        "t_es": (
            "Cuenta bloqueada",
            "Me aparece que mi cuenta está bloqueada.",
            "Bloqueo temporal por intentos fallidos; pasó a los 15 minutos.",
        ),
        "t_en": (
            "Account locked",
            "It says my account is locked.",
            "Temporary lock after failed attempts; cleared after 15 minutes.",
        ),
        "q_es": [
            "Me equivoqué varias veces al entrar y ahora no me deja",
            "Tras teclear mal varias veces me ha echado del sistema",
            "Dice que espere porque he fallado demasiado",
        ],
        "q_en": [
            "I mistyped a few times and now it won't let me in",
            "Got kicked out after typing it wrong repeatedly",
            "It tells me to wait because I failed too often",
        ],
    },
    {
        "key": "change_email",
        "a_es": (
            "Cambiar la dirección de correo de la cuenta",
            "Puede cambiar su dirección de correo en Perfil → Correo. Le enviaremos un mensaje de confirmación a la nueva dirección; el cambio se aplica al confirmarlo.",
        ),
        "a_en": (
            "Change your account email address",
            "You can change your email address in Profile → Email. We send a confirmation message to the new address; the change applies once confirmed.",
        ),
        "t_es": (
            "Cambiar mi correo",
            "He cambiado de empresa y quiero usar otro correo para la cuenta.",
            "Se indicó Perfil → Correo; cambio confirmado.",
        ),
        "t_en": (
            "Change my email",
            "I changed jobs and want to use another email for the account.",
            "Pointed to Profile → Email; change confirmed.",
        ),
        "q_es": [
            "Quiero entrar con un buzón distinto al que registré",
            "Mi antigua dirección electrónica ya no existe, ¿cómo la sustituyo?",
            "Actualizar el e-mail con el que me identifico",
        ],
        "q_en": [
            "I want to sign in with a different mailbox than the one I registered",
            "My old e-mail no longer exists, how do I replace it?",
            "Update the address I use to identify myself",
        ],
    },
    {
        "key": "add_user",
        "a_es": (
            "Invitar a compañeros a su equipo",
            "Los administradores pueden invitar a compañeros desde Equipo → Invitar. Cada invitado recibe un correo para crear su usuario; cuenta como una licencia.",
        ),
        "a_en": (
            "Invite colleagues to your team",
            "Administrators can invite colleagues from Team → Invite. Each invitee receives an email to create their user; it counts as one seat.",
        ),
        "t_es": (
            "Añadir un usuario",
            "¿Cómo doy de alta a una compañera nueva?",
            "Se explicó Equipo → Invitar; la compañera aceptó la invitación.",
        ),
        "t_en": (
            "Add a user",
            "How do I add a new colleague?",
            "Explained Team → Invite; colleague accepted.",
        ),
        "q_es": [
            "Ha entrado alguien nuevo en la oficina y necesita acceso",
            "¿Cómo le doy permiso a otra persona de mi departamento?",
            "Quiero sumar un empleado a nuestra organización en la herramienta",
        ],
        "q_en": [
            "Someone new joined the office and needs access",
            "How do I give another person in my department a login?",
            "I want to bring an employee into our organisation in the tool",
        ],
    },
    {
        "key": "sso",
        "a_es": (
            "Configurar el inicio de sesión único (SSO)",
            "El plan Empresa admite inicio de sesión único con SAML 2.0. Introduzca en Seguridad → SSO la URL de metadatos de su proveedor de identidad (Azure AD, Okta...).",
        ),
        "a_en": (
            "Set up single sign-on (SSO)",
            "The Business plan supports single sign-on with SAML 2.0. Enter your identity provider's metadata URL (Azure AD, Okta...) in Security → SSO.",
        ),
        "t_es": (
            "SSO con Azure AD",
            "Queremos que los empleados entren con su cuenta de Azure AD.",
            "Se configuró SAML con los metadatos de Azure AD.",
        ),
        "t_en": (
            "SSO with Okta",
            "We want employees to log in with their Okta account.",
            "SAML configured with the Okta metadata.",
        ),
        "q_es": [
            "Que la plantilla acceda con las credenciales corporativas de Microsoft",
            "¿Podemos autenticar a través de nuestro directorio de empresa?",
            "Queremos un único acceso para todas las herramientas",
        ],
        "q_en": [
            "Let staff get in with their corporate Microsoft credentials",
            "Can we authenticate through our company directory?",
            "We want one login for all our tools",
        ],
    },
    {
        "key": "pdf",
        "a_es": (
            "No se genera el PDF del informe",
            "Si la descarga del informe en PDF falla, reduzca el rango de fechas (máximo 12 meses) o pruebe a exportar en CSV. Los informes muy grandes se envían por correo.",
        ),
        "a_en": (
            "The report PDF is not generated",
            "If downloading the report as PDF fails, narrow the date range (12 months at most) or try exporting as CSV. Very large reports are sent by email.",
        ),
        "t_es": (
            "Error al descargar el PDF",
            "Al descargar el informe anual en PDF sale un error.",
            "Rango demasiado grande; se generó por trimestres.",
        ),
        "t_en": (
            "PDF download error",
            "Downloading the annual report as PDF gives an error.",
            "Range too large; generated per quarter.",
        ),
        "q_es": [
            "No consigo imprimir el resumen del año, se queda cargando",
            "El documento con las estadísticas no se baja",
            "Al sacar el listado para imprimir da fallo",
        ],
        "q_en": [
            "Can't print the yearly summary, it just spins",
            "The statistics document won't download",
            "Getting a failure when producing the printable listing",
        ],
    },
    {
        "key": "language",
        "a_es": (
            "Cambiar el idioma de la interfaz",
            "El idioma de la interfaz se elige en Perfil → Idioma. Está disponible en español e inglés; el cambio se aplica al recargar la página.",
        ),
        "a_en": (
            "Change the interface language",
            "The interface language is chosen in Profile → Language. Spanish and English are available; the change applies when the page reloads.",
        ),
        "t_es": (
            "La web sale en inglés",
            "Todo me aparece en inglés y lo quiero en español.",
            "Se cambió el idioma en Perfil → Idioma.",
        ),
        "t_en": (
            "Site shows in Spanish",
            "Everything appears in Spanish and I want English.",
            "Changed the language in Profile → Language.",
        ),
        "q_es": [
            "Los menús me salen en otra lengua y no los entiendo",
            "¿Cómo pongo los textos en castellano?",
            "La pantalla está traducida a un idioma que no hablo",
        ],
        "q_en": [
            "The menus appear in a tongue I don't understand",
            "How do I switch the wording to English?",
            "The screens are translated into something I can't read",
        ],
    },
    {
        "key": "mobile_sync",
        "a_es": (
            "Los datos no se sincronizan en el móvil",
            "Si los cambios hechos en el ordenador no aparecen en el móvil, compruebe la conexión y tire hacia abajo para actualizar. Cerrar sesión y volver a entrar fuerza una sincronización completa.",
        ),
        "a_en": (
            "Data does not sync on mobile",
            "If changes made on the computer don't appear on the phone, check the connection and pull down to refresh. Signing out and in again forces a full sync.",
        ),
        "t_es": (
            "El móvil no muestra los cambios",
            "Lo que edito en el ordenador no aparece en el móvil.",
            "Tras cerrar sesión y volver a entrar se sincronizó.",
        ),
        "t_en": (
            "Phone doesn't show changes",
            "What I edit on the computer doesn't appear on my phone.",
            "Signing out and back in synced it.",
        ),
        "q_es": [
            "Lo que apunto en el portátil no se ve luego en el teléfono",
            "La tablet enseña información vieja",
            "Los dos dispositivos no coinciden en lo que muestran",
        ],
        "q_en": [
            "What I note on the laptop isn't visible later on the handset",
            "The tablet shows stale information",
            "My two devices disagree on what they display",
        ],
    },
]
