"""The plan a new workspace starts with, and the reasons for inactivity it offers.

Plain data (pt-BR content, not interface strings): the data migration and
`carteira plan --load-defaults` both read it, so keep it free of model imports.
"""

DEFAULT_CELLS = [
    # (abc, status, channels, every N days, objective, escalation, notify manager, script)
    ("A", "active", ["visit", "phone"], 30, "retain", "none", False,
     "Revisar mix e volume do último trimestre.\nApresentar lançamentos e oportunidades "
     "de upsell.\nConfirmar satisfação com entrega, prazo e atendimento."),
    ("A", "pre_inactive", ["visit"], 15, "recover", "manager", True,
     "Entender por que o cliente reduziu as compras (preço, concorrente, estoque).\n"
     "Levar uma proposta concreta para o próximo pedido.\nRegistrar o motivo no contato."),
    ("A", "inactivated", ["visit", "phone"], 7, "investigate_loss", "director", True,
     "Cliente A inativou: o diretor entra em cena.\nAgendar conversa com o decisor.\n"
     "Levantar o motivo real da perda e o que seria preciso para voltar."),
    ("A", "inactive", ["visit", "phone"], 30, "reactivate", "manager", False,
     "Decidir se vale recuperar.\nSe sim: proposta de retomada com condição especial."),
    ("B", "active", ["phone", "visit"], 45, "upsell", "none", False,
     "Oferecer itens complementares ao mix atual.\nVerificar potencial para subir a A."),
    ("B", "pre_inactive", ["phone", "visit"], 15, "recover", "none", True,
     "Ligar para entender a queda nas compras.\nOferecer condição para o próximo pedido."),
    ("B", "inactivated", ["phone", "visit"], 15, "investigate_loss", "manager", False,
     "Levantar o motivo da inativação e registrá-lo.\nPropor retomada."),
    ("B", "inactive", ["phone", "email"], 60, "reactivate", "none", False,
     "Enviar novidades e condição de retorno.\nAtualizar o cadastro e o contato do comprador."),
    ("C", "active", ["phone", "whatsapp"], 60, "upsell", "none", False,
     "Manter o relacionamento com baixo custo.\nSugerir itens de maior giro."),
    ("C", "pre_inactive", ["phone", "whatsapp"], 30, "recover", "none", False,
     "Contato rápido para entender a queda.\nLembrar condições e prazos de entrega."),
    ("C", "inactivated", ["phone"], 30, "investigate_loss", "none", False,
     "Perguntar o motivo da parada e registrá-lo."),
    ("C", "inactive", ["email"], 90, "reactivate", "none", False,
     "E-mail com novidades e condição de retorno."),
    ("", "prospect", ["phone", "email"], 30, "qualify", "none", False,
     "Qualificar: porte, segmento, mix de interesse e comprador.\nAgendar visita se houver "
     "potencial."),
]  # fmt: skip

INACTIVITY_REASONS = [
    ("preco", "Preço ou condições comerciais"),
    ("concorrente", "Comprou da concorrência"),
    ("estoque-alto", "Estoque alto / giro lento"),
    ("atendimento", "Insatisfação com o atendimento"),
    ("entrega", "Problemas de entrega ou logística"),
    ("qualidade", "Qualidade do produto"),
    ("credito", "Crédito bloqueado ou inadimplência"),
    ("fechou", "Empresa fechou ou encerrou atividades"),
    ("mudou-segmento", "Mudou de ramo ou de segmento"),
    ("sazonalidade", "Sazonalidade"),
    ("comprador-mudou", "Troca do comprador"),
    ("sem-contato", "Não conseguimos contato"),
    ("outro", "Outro motivo"),
]


def cell_fields(row) -> dict:
    abc, status, channels, days, objective, escalation, notify, script = row
    return {
        "abc": abc,
        "status": status,
        "segment": "",
        "channels": channels,
        "frequency_days": days,
        "objective": objective,
        "escalation": escalation,
        "notify_manager": notify,
        "script": script,
    }
